// Load generator for `./spe bench api` (and `instances`): calls of one
// function; the client does not parse the JSON it receives (`--parse true`
// to include that), so the times are the server's and the network's:
// function (GetEnvironmentInfo unless --function) over TLS keep-alive
// connections (ApiClient), first sequentially on one connection, then from
// several concurrent clients. Prints one JSON object.
//   api_bench --port N --user U --password P [--calls 2000] [--clients 8]
//             [--function NAME] [--arg name=value ...]
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "management/cli/api_client.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Phase {
  std::vector<double> latencies_ms;
  double seconds = 0;
  int failures = 0;
};

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto idx = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(idx, v.size() - 1)];
}

std::string g_function = "GetEnvironmentInfo";
std::map<std::string, std::string> g_args;

void run(spe::ApiClient& client, int calls, std::vector<double>& lat, int& failures) {
  for (int i = 0; i < calls; ++i) {
    const auto t0 = Clock::now();
    auto r = client.post("/api/invoke/" + g_function, g_args);
    lat.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    if (!r || r->status != 200 || r->body.find("\"statusCode\":\"succeeded\"") == std::string::npos) ++failures;
  }
}

spe::Json report(const Phase& p, int clients) {
  const double n = static_cast<double>(p.latencies_ms.size());
  return spe::Json{{"clients", clients},
                   {"calls", p.latencies_ms.size()},
                   {"failures", p.failures},
                   {"seconds", p.seconds},
                   {"calls_per_second", p.seconds > 0 ? n / p.seconds : 0},
                   {"p50_ms", percentile(p.latencies_ms, 0.50)},
                   {"p99_ms", percentile(p.latencies_ms, 0.99)}};
}

}  // namespace

int main(int argc, char** argv) {
  spe::ApiClientOptions opt;
  opt.parse_json = false;  // as documented above: the server's and the network's time only
  int calls = 2000, clients = 8;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i], v = argv[i + 1];
    if (a == "--port") opt.port = static_cast<std::uint16_t>(std::atoi(v.c_str()));
    else if (a == "--user") opt.user = v;
    else if (a == "--password") opt.password = v;
    else if (a == "--calls") calls = std::atoi(v.c_str());
    else if (a == "--clients") clients = std::max(1, std::atoi(v.c_str()));
    else if (a == "--function") g_function = v;
    else if (a == "--parse") opt.parse_json = v == "true";
    else if (a == "--arg" && v.find('=') != std::string::npos)
      g_args[v.substr(0, v.find('='))] = v.substr(v.find('=') + 1);
  }
  spe::ApiClient warm(opt);
  std::vector<double> ignored;
  int ignored_failures = 0;
  run(warm, 20, ignored, ignored_failures);  // connection set up, credentials cached

  Phase seq;
  {
    spe::ApiClient client(opt);
    const auto t0 = Clock::now();
    run(client, calls, seq.latencies_ms, seq.failures);
    seq.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  }
  Phase par;
  {
    std::vector<std::vector<double>> lat(static_cast<std::size_t>(clients));
    std::vector<int> fails(static_cast<std::size_t>(clients), 0);
    std::vector<std::thread> threads;
    const auto t0 = Clock::now();
    for (int c = 0; c < clients; ++c) {
      threads.emplace_back([&, c] {
        spe::ApiClient client(opt);
        run(client, calls / clients, lat[static_cast<std::size_t>(c)], fails[static_cast<std::size_t>(c)]);
      });
    }
    for (auto& t : threads) t.join();
    par.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    for (int c = 0; c < clients; ++c) {
      par.latencies_ms.insert(par.latencies_ms.end(), lat[static_cast<std::size_t>(c)].begin(),
                              lat[static_cast<std::size_t>(c)].end());
      par.failures += fails[static_cast<std::size_t>(c)];
    }
  }
  std::cout << spe::Json{{"benchmark", "api"},
                         {"function", g_function},
                         {"sequential_keep_alive", report(seq, 1)},
                         {"concurrent", report(par, clients)}}
                   .dump()
            << std::endl;
  return seq.failures + par.failures == 0 ? 0 : 1;
}
