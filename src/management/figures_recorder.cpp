#include "management/figures_recorder.h"

#include <cmath>
#include <ctime>

#include "common/base/logging.h"
#include "management/instance_control.h"

namespace spe::management {
namespace {

class InstanceFiguresSource final : public FiguresSource {
 public:
  explicit InstanceFiguresSource(InstanceControl& control) : control_(control) {}

  std::vector<InstanceFigures> sample(const std::atomic<bool>& stop) override {
    std::vector<InstanceFigures> out;
    auto running = control_.select("* .running");
    if (!running) {
      logger("figures")->warn("Cannot list the running instances: {}", running.error().message);
      return out;
    }
    for (const auto& s : *running) {
      if (stop) break;
      auto r = control_.instanceCall(s.record, "statistics", Json::object(), std::chrono::seconds(60));
      if (!r || !r->is_object()) continue;  // stopped meanwhile, or busy: next time
      const auto messages = r->value("numberOfMessages", Json(0));
      const auto size_mb = r->value("totalSizeMB", Json(0));
      if (!messages.is_number() || !size_mb.is_number()) continue;
      InstanceFigures f{s.record.instance_id, messages.get<std::int64_t>(),
                        static_cast<std::int64_t>(std::llround(size_mb.get<double>() * 1024.0))};
      if (!s.status.value("frozen", false)) {  // as in CreateLicenseRequest, frozen ones are not counted
        if (auto c = control_.countUsedLicenses(s.record, 0); c) {  // stamped with the sample's time below
          f.used_licenses = c->used;
          f.stores_not_counted = c->stores_not_counted;
        }
      }
      out.push_back(std::move(f));
    }
    return out;
  }

 private:
  InstanceControl& control_;
};

}  // namespace

std::unique_ptr<FiguresSource> makeInstanceFiguresSource(InstanceControl& control) {
  return std::make_unique<InstanceFiguresSource>(control);
}

std::string utcDay(Clock::SystemTime t) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

FiguresRecorder::FiguresRecorder(ManagementDb& db, FiguresSource& source, Clock& clock,
                                 std::function<void(std::function<void()>)> post, std::chrono::seconds interval)
    : db_(db),
      source_(source),
      clock_(clock),
      post_(std::move(post)),
      interval_(interval),
      timer_(clock.makeTimer([this] { due(); })) {}

FiguresRecorder::~FiguresRecorder() {
  stop();
  std::lock_guard lock(sampling_);  // a posted sample still running ends first
}

void FiguresRecorder::stop() {
  stopped_ = true;
  timer_->cancel();
}

void FiguresRecorder::start(std::chrono::seconds first_delay) { timer_->armAfter(first_delay); }

void FiguresRecorder::due() {
  if (stopped_) return;
  timer_->armAfter(interval_);
  if (busy_.exchange(true)) return;  // the last one is still asking
  post_([this] {
    if (auto s = sampleNow(); !s) logger("figures")->warn("Recording the instances' figures: {}", s.error().message);
    busy_ = false;
  });
}

Status FiguresRecorder::sampleNow() {
  std::lock_guard lock(sampling_);
  const auto figures = source_.sample(stopped_);
  const auto now = clock_.systemNow();
  const std::string day = utcDay(now);
  const auto seconds = static_cast<std::int64_t>(std::chrono::system_clock::to_time_t(now));
  for (const auto& f : figures) {
    SPE_TRY(db_.recordDailyFigures({f.instance_id, day, f.messages, f.size_kb}));
    if (f.used_licenses) {
      SPE_TRY(db_.recordLicenseCount({f.instance_id, *f.used_licenses, seconds, f.stores_not_counted}));
    }
  }
  return db_.pruneDailyFigures(utcDay(now - std::chrono::hours(24) * (kKeptDays - 1)));
}

}  // namespace spe::management
