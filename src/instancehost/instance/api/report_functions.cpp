// SendStatusReport (reports/status_report.h) and the notification settings
// (reports/notifier.h; GetNotificationSettings and SetNotificationSettings
// are extensions of ours: the product has no such functions).
#include "common/base/text.h"
#include "instancehost/instance/api/instance_api.h"
#include "instancehost/instance/mail/instance_mail.h"
#include "instancehost/instance/model/time_zones.h"
#include "instancehost/instance/reports/notifier.h"
#include "instancehost/instance/reports/status_report.h"

namespace spe::instance {
namespace {

constexpr std::size_t kMaxRecipients = 50;

// "a@x, b@y" -> the addresses, each checked.
Result<std::vector<net::MailAddress>> recipientList(const std::string& text) {
  std::vector<net::MailAddress> out;
  for (const auto& a : splitList(text)) {
    if (!net::isMailAddress(a)) {
      return makeError(ErrorCode::kInvalidArgument,
                       "'recipients': '" + printable(a, 100) + "' is not an e-mail address.");
    }
    out.push_back({"", a});
  }
  if (out.size() > kMaxRecipients) {
    return makeError(ErrorCode::kInvalidArgument, "'recipients' lists more than 50 addresses.");
  }
  return out;
}

}  // namespace

InstanceFunctionCall instanceFunctionCall(InstanceApi& api, const ApiCall& outer) {
  return [&api, &outer](const std::string& function, const Json& args) -> Result<Json> {
    ApiCall inner{args, outer.caller, outer.control, {}, outer.source};
    return api.call(function, inner);
  };
}

void registerReportFunctions(InstanceApi& api) {
  InstanceContext& ctx = api.context();
  api.add(
      "SendStatusReport",
      [&api, &ctx](ApiCall& c) -> Result<Json> {
        auto zone = resolveTimeZone(c.str("timeZoneId", "$Local"));
        if (!zone) return zone.error();
        auto recipients = recipientList(c.str("recipients"));
        if (!recipients) return recipients.error();
        const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
        const std::string local = formatLocalTime(now, *zone);  // YYYY-MM-DDTHH:MM:SS+hh:mm
        std::string generated = local.substr(0, 16) + " (UTC" + local.substr(19) + ")";
        generated[10] = ' ';
        auto report = gatherStatusReport(instanceFunctionCall(api, c), ctx.instance_id, c.str("timespan"), *zone,
                                         local.substr(0, 10), generated);
        if (!report) return report.error();
        const RenderedReport mail = renderStatusReport(*report);
        net::MailMessage message;
        message.to = *recipients;
        message.subject = mail.subject;
        message.text = mail.text;
        message.html = mail.html;
        auto sent = sendInstanceMail(ctx, message, [&c] { return c.control.stop(); });
        if (!sent) return sent.error();
        return Json();
      },
      false);

  api.add(
      "GetNotificationSettings",
      [&ctx](ApiCall&) -> Result<Json> {
        auto settings = loadNotificationSettings(ctx.db);
        if (!settings) return settings.error();
        return settings->toJson();
      },
      false);

  api.add(
      "SetNotificationSettings",
      [&api, &ctx](ApiCall& c) -> Result<Json> {
        auto current = loadNotificationSettings(ctx.db);
        if (!current) return current.error();
        auto changed = NotificationSettings::fromJson(c.args.value("settings", Json()), *current);
        if (!changed) return changed.error();
        SPE_TRY(ctx.db.setSetting(kNotificationSettingsKey, changed->toJson()));
        SPE_TRY(api.audit(c, "NotificationSettingsChange", dumpJson(changed->toJson())));
        return Json();
      },
      true);
}

}  // namespace spe::instance
