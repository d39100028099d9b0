// A profile from the properties CreateProfile and UpdateProfile are given
// (raw=true): its name, owner, connector, the connector's details (checked
// by the connector's own rules) and its server-side execution (schedule
// rules). Archiving knows connectors and schedules, so the check lives
// here; the model (model/profiles.h) only stores what passed it.
#pragma once

#include "common/base/json_reader.h"
#include "common/base/result.h"
#include "instancehost/instance/model/profiles.h"

namespace spe::instance {

// Errors are kInvalidArgument naming the property ('properties.name', ...),
// or kNotSupported for a profile type other than archiving ("archive", the
// product's "I") or export ("export": export/export_profile.h checks it). The password of
// the details moves to the profile's secrets. The owner is not looked up.
Result<Profile> parseProfile(const Json& properties);

}  // namespace spe::instance
