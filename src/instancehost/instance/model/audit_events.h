// The audit event names of an instance, in one place: the compliance
// configuration (logSuccessfulUserActivities accepts only these names), the
// audit log and the code paths that write events all use this catalogue.
//
// Two kinds of names:
//  - the product's names (PRODUCT-SPEC.md §1.10, SEED + observed; the
//    product's full catalogue was never found), spelt exactly as the product
//    spells them;
//  - this project's own names for things the product audits under a name we
//    could not find (kProjectEvents), built after the product's pattern
//    (<Object><Verb>, <Area>ChangeSettings). docs/compliance.md lists both.
// A name is added here before any code writes it: an event not in the
// catalogue cannot be selected in logSuccessfulUserActivities.
// Thread safety: constants only.
#pragma once

#include <algorithm>
#include <array>
#include <string_view>

namespace spe::instance::audit_events {

// ---- The product's names (PRODUCT-SPEC.md §1.10) ----
inline constexpr std::string_view kAdminRestored = "AdminRestored";
inline constexpr std::string_view kComplianceChangeSettings = "ComplianceChangeSettings";
inline constexpr std::string_view kCredentialsAdd = "CredentialsAdd";
inline constexpr std::string_view kCredentialsChange = "CredentialsChange";
inline constexpr std::string_view kCredentialsDelete = "CredentialsDelete";
inline constexpr std::string_view kFileGroupAttach = "FileGroupAttach";
inline constexpr std::string_view kFileGroupCreate = "FileGroupCreate";
inline constexpr std::string_view kFileGroupDetach = "FileGroupDetach";
inline constexpr std::string_view kFileGroupRename = "FileGroupRename";
inline constexpr std::string_view kFileGroupSetProperties = "FileGroupSetProperties";
inline constexpr std::string_view kFileGroupSetRequestedState = "FileGroupSetRequestedState";
inline constexpr std::string_view kProfileChangeUserName = "ProfileChangeUserName";
inline constexpr std::string_view kRecoverStoreFinish = "RecoverStoreFinish";
inline constexpr std::string_view kRecoverStoreStart = "RecoverStoreStart";
inline constexpr std::string_view kRetentionPoliciesMessageDelete = "RetentionPoliciesMessageDelete";
inline constexpr std::string_view kRetentionPoliciesProcessStart = "RetentionPoliciesProcessStart";
inline constexpr std::string_view kRetentionPoliciesUpdate = "RetentionPoliciesUpdate";
inline constexpr std::string_view kSessionLogin = "SessionLogin";
inline constexpr std::string_view kSessionLogout = "SessionLogout";
inline constexpr std::string_view kSessionUnlockWithMfaCode = "SessionUnlockWithMfaCode";
inline constexpr std::string_view kUserAdd = "UserAdd";
inline constexpr std::string_view kUserAppPasswordAdd = "UserAppPasswordAdd";
inline constexpr std::string_view kUserAppPasswordDelete = "UserAppPasswordDelete";
inline constexpr std::string_view kUserDelete = "UserDelete";
inline constexpr std::string_view kUserDisableMFA = "UserDisableMFA";
inline constexpr std::string_view kUserInitializeMFA = "UserInitializeMFA";
inline constexpr std::string_view kUserRename = "UserRename";
inline constexpr std::string_view kUserSetArchiveAdminSetEnabled = "UserSetArchiveAdminSetEnabled";
inline constexpr std::string_view kUserSetFolderAccess = "UserSetFolderAccess";
inline constexpr std::string_view kUserSetMappings = "UserSetMappings";
inline constexpr std::string_view kUserSetPassword = "UserSetPassword";
inline constexpr std::string_view kUserUpdate = "UserUpdate";

inline constexpr std::array<std::string_view, 32> kProductEvents = {
    kAdminRestored,
    kComplianceChangeSettings,
    kCredentialsAdd,
    kCredentialsChange,
    kCredentialsDelete,
    kFileGroupAttach,
    kFileGroupCreate,
    kFileGroupDetach,
    kFileGroupRename,
    kFileGroupSetProperties,
    kFileGroupSetRequestedState,
    kProfileChangeUserName,
    kRecoverStoreFinish,
    kRecoverStoreStart,
    kRetentionPoliciesMessageDelete,
    kRetentionPoliciesProcessStart,
    kRetentionPoliciesUpdate,
    kSessionLogin,
    kSessionLogout,
    kSessionUnlockWithMfaCode,
    kUserAdd,
    kUserAppPasswordAdd,
    kUserAppPasswordDelete,
    kUserDelete,
    kUserDisableMFA,
    kUserInitializeMFA,
    kUserRename,
    kUserSetArchiveAdminSetEnabled,
    kUserSetFolderAccess,
    kUserSetMappings,
    kUserSetPassword,
    kUserUpdate,
};

// ---- This project's own names (no product name found) ----
// The one-time URL for $archiveadmin was created (Management Server).
inline constexpr std::string_view kCreateClientOneTimeUrlForArchiveAdmin = "CreateClientOneTimeUrlForArchiveAdmin";
// $archiveadmin logged in to Web Access with a one-time URL.
inline constexpr std::string_view kArchiveAdminOneTimeLogin = "ArchiveAdminOneTimeLogin";
// $archiveadmin opened a message's content (admin e-mail preview on).
inline constexpr std::string_view kAdminEmailPreview = "AdminEmailPreview";
// A deletion refused because legal hold is on (always a failure event).
inline constexpr std::string_view kLegalHoldRefused = "LegalHoldRefused";
inline constexpr std::string_view kDirectoryServicesChangeSettings = "DirectoryServicesChangeSettings";
inline constexpr std::string_view kFolderMove = "FolderMove";
inline constexpr std::string_view kNotificationSettingsChange = "NotificationSettingsChange";
inline constexpr std::string_view kRebuildSelectedStoreIndexes = "RebuildSelectedStoreIndexes";
inline constexpr std::string_view kSessionLoginFailed = "SessionLoginFailed";
inline constexpr std::string_view kSessionTrustDevice = "SessionTrustDevice";
inline constexpr std::string_view kSetIndexConfiguration = "SetIndexConfiguration";
inline constexpr std::string_view kSmtpChangeSettings = "SmtpChangeSettings";
// A run of ProcessRetentionPolicies ended (done, cancelled or failed): how, and its counts.
inline constexpr std::string_view kRetentionPoliciesProcessFinish = "RetentionPoliciesProcessFinish";

// The audit log (audit/audit_log.h) cut off a record torn by a crash at open.
inline constexpr std::string_view kAuditLogTailTruncated = "AuditLogTailTruncated";
// End users' message access (Web Access; IMAP FETCH of content once per
// message and session as MessageView).
inline constexpr std::string_view kMessageView = "MessageView";
inline constexpr std::string_view kMessageDownload = "MessageDownload";
inline constexpr std::string_view kMessageAttachmentDownload = "MessageAttachmentDownload";
inline constexpr std::string_view kMessageExport = "MessageExport";
inline constexpr std::string_view kMessageSearch = "MessageSearch";

inline constexpr std::array<std::string_view, 19> kProjectEvents = {
    kCreateClientOneTimeUrlForArchiveAdmin,
    kArchiveAdminOneTimeLogin,
    kAdminEmailPreview,
    kLegalHoldRefused,
    kDirectoryServicesChangeSettings,
    kFolderMove,
    kNotificationSettingsChange,
    kRebuildSelectedStoreIndexes,
    kSessionLoginFailed,
    kSessionTrustDevice,
    kSetIndexConfiguration,
    kSmtpChangeSettings,
    kRetentionPoliciesProcessFinish,
    kAuditLogTailTruncated,
    kMessageView,
    kMessageDownload,
    kMessageAttachmentDownload,
    kMessageExport,
    kMessageSearch,
};

inline constexpr bool isProductEvent(std::string_view name) {
  return std::find(kProductEvents.begin(), kProductEvents.end(), name) != kProductEvents.end();
}

// True for every name in the catalogue (the product's and ours).
inline constexpr bool isKnownEvent(std::string_view name) {
  return isProductEvent(name) || std::find(kProjectEvents.begin(), kProjectEvents.end(), name) != kProjectEvents.end();
}

}  // namespace spe::instance::audit_events
