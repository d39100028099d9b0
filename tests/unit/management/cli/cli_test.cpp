// spe-cli without a server: the command line (cli_options), the tables
// (cli_output) and the help built from get-metadata (cli_help).
#include <gtest/gtest.h>

#include "management/cli/cli_help.h"
#include "management/cli/cli_options.h"
#include "management/cli/cli_output.h"

namespace spe::cli {
namespace {

std::size_t codePoints(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1) {
    out.push_back(text.substr(start, nl - start));
  }
  EXPECT_EQ(start, text.size()) << "the text does not end in a newline";
  return out;
}

// ---------------------------------------------------------------- tables

TEST(CliTable, ListOfObjectsIsAnAlignedTableWithColumnsInFirstSeenOrder) {
  const Json list = Json::parse(R"([{"userName":"admin","mfaStatus":"off"},
                                   {"userName":"operator","fullName":"Op","mfaStatus":"on"}])");
  EXPECT_EQ(renderTable(list, 160),
            "userName  mfaStatus  fullName\n"
            "--------  ---------  --------\n"
            "admin     off\n"
            "operator  on         Op\n");
}

TEST(CliTable, CellsAreOneLineNestedValuesCompactJsonNullAndMissingEmpty) {
  const Json list = Json::parse(R"([{"a":{"thumbprint":"ab"},"b":[1,2],"c":null,"d":true,"e":2.5},
                                   {"e":"two\nlines\tand\u001b[31m"}])");
  EXPECT_EQ(renderTable(list, 160),
            "a                    b      c  d     e\n"
            "-------------------  -----  -  ----  ------------------\n"
            "{\"thumbprint\":\"ab\"}  [1,2]     true  2.5\n"
            "                                     two lines and?[31m\n");
}

TEST(CliTable, ObjectIsKeyValueLines) {
  const Json obj = Json::parse(R"({"userName":"admin","version":"26.1","roles":["x","y"],"port":8474})");
  EXPECT_EQ(renderTable(obj, 160),
            "userName  admin\n"
            "version   26.1\n"
            "roles     [\"x\",\"y\"]\n"
            "port      8474\n");
}

TEST(CliTable, ScalarsAsThemselvesAndEmptyValuesSaySo) {
  EXPECT_EQ(renderTable(Json("a password"), 160), "a password\n");
  EXPECT_EQ(renderTable(Json("line 1\nline 2"), 160), "line 1\nline 2\n");
  EXPECT_EQ(renderTable(Json(42), 160), "42\n");
  EXPECT_EQ(renderTable(Json(false), 160), "false\n");
  EXPECT_EQ(renderTable(Json(), 160), "");
  EXPECT_EQ(renderTable(Json::array(), 160), "(no items)\n");
  EXPECT_EQ(renderTable(Json::object(), 160), "(no fields)\n");
}

TEST(CliTable, ListOfNonObjectsIsOneItemPerLine) {
  EXPECT_EQ(renderTable(Json::parse(R"(["a",{"b":1},3])"), 160), "a\n{\"b\":1}\n3\n");
}

TEST(CliTable, WideCellsAreCutWithAnEllipsisSoEveryLineFits) {
  Json list = Json::array();
  list.push_back({{"id", "i1"}, {"path", std::string(300, 'p')}, {"note", std::string(100, 'n')}});
  list.push_back({{"id", "i2"}, {"path", "short"}, {"note", "\u00e9t\u00e9 " + std::string(200, 'x')}});
  for (std::size_t width : {40u, 80u, 160u}) {
    const auto out = lines(renderTable(list, width));
    ASSERT_EQ(out.size(), 4u);
    for (const auto& line : out) EXPECT_LE(codePoints(line), width) << line;
    EXPECT_EQ(codePoints(out[2]), width) << "the slack goes to the cut columns";
    EXPECT_NE(out[2].find("\u2026"), std::string::npos);
    EXPECT_EQ(out[3].rfind("i2  short", 0), 0u) << "columns narrower than the cap are not cut";
  }
}

TEST(CliTable, TooManyColumnsKeepAFewCharactersEachAndRunOver) {
  Json row = Json::object();
  for (int i = 0; i < 30; ++i) row["column" + std::to_string(i)] = "value number " + std::to_string(i);
  const auto out = lines(renderTable(Json::array({row}), 40));
  EXPECT_EQ(out[0].rfind("col\u2026  col\u2026", 0), 0u) << out[0];
  EXPECT_GT(codePoints(out[0]), 40u);
}

TEST(CliTable, NoTrailingSpaces) {
  const auto out = lines(renderTable(Json::parse(R"([{"a":"x","b":""},{"a":"longer","b":""}])"), 160));
  for (const auto& line : out) EXPECT_TRUE(line.empty() || line.back() != ' ') << "'" << line << "'";
}

TEST(CliTable, TerminalWidthComesFromColumnsWhenSane) {
  EXPECT_EQ(terminalWidth(nullptr), kDefaultWidth);
  EXPECT_EQ(terminalWidth(""), kDefaultWidth);
  EXPECT_EQ(terminalWidth("100"), 100u);
  EXPECT_EQ(terminalWidth("abc"), kDefaultWidth);
  EXPECT_EQ(terminalWidth("80x"), kDefaultWidth);
  EXPECT_EQ(terminalWidth("5"), kDefaultWidth);
  EXPECT_EQ(terminalWidth("99999999999999999999"), kDefaultWidth);
}

// ---------------------------------------------------------------- help

const char* const kMetadata = R"([
  {"name":"Ping","args":[]},
  {"name":"GetUsers","args":[{"name":"instanceID","type":"string","nullable":false},
                             {"name":"userName","type":"string","nullable":true}]},
  {"name":"CreateInstance","args":[{"name":"config","type":"json","nullable":false}]},
  "not an entry", {"args":[]}
])";

TEST(CliHelp, UsageNamesEveryOptionEnvironmentVariableAndExitCode) {
  const std::string u = usageText();
  for (const char* word : {"-s host[:port]", "-u user", "-p password", "-t thumbprint", "-c Function", "--name=value",
                           "--list", "--output json|table", "-h, --help", "SPE_CLI_PASSWORD", "COLUMNS",
                           "Examples:", "Exit codes:", "  0  ", "  1  ", "  2  "}) {
    EXPECT_NE(u.find(word), std::string::npos) << word;
  }
  for (const auto& line : lines(u)) EXPECT_LE(codePoints(line), 110u) << line;
  EXPECT_NE(usageHint().find("spe-cli --help"), std::string::npos);
}

TEST(CliHelp, ListIsSortedOneLinePerFunctionWithCallSyntax) {
  auto text = functionListText(Json::parse(kMetadata));
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text,
            "CreateInstance  --config=<json>\n"
            "GetUsers        --instanceID=<string> [--userName=<string>]\n"
            "Ping\n");
  EXPECT_FALSE(functionListText(Json::object()).ok());
}

TEST(CliHelp, FunctionHelpShowsArgumentsRequiredOrOptional) {
  auto entry = findFunction(Json::parse(kMetadata), "GetUsers");
  ASSERT_TRUE(entry.ok());
  EXPECT_EQ(functionHelpText(*entry, 160),
            "GetUsers\n"
            "\n"
            "Arguments:\n"
            "name        type    required\n"
            "----------  ------  --------\n"
            "instanceID  string  required\n"
            "userName    string  optional\n"
            "\n"
            "Call it:\n"
            "  spe-cli -s host[:port] -u user -t thumbprint -c GetUsers --instanceID=<string> [--userName=<string>]\n");
  auto ping = findFunction(Json::parse(kMetadata), "Ping");
  ASSERT_TRUE(ping.ok());
  EXPECT_NE(functionHelpText(*ping, 160).find("Arguments: none"), std::string::npos);
}

TEST(CliHelp, TheDescriptionAndKeysTheServerAddsAreShownNeverInvented) {
  const Json entry = Json::parse(R"({"name":"F","description":"Does F.","longRunning":true,"since":"26.1",
      "args":[{"name":"n","type":"number","nullable":true,"default":20}]})");
  const std::string text = functionHelpText(entry, 160);
  EXPECT_EQ(text.rfind("F\n  Does F.\n  Long-running: spe-cli shows its progress on stderr and waits for the result.\n"
                       "since: 26.1\n",
                       0),
            0u)
      << text;
  EXPECT_NE(text.find("name  type    required  default\n"), std::string::npos) << text;
  EXPECT_NE(text.find("n     number  optional  20\n"), std::string::npos) << text;
  EXPECT_EQ(functionHelpText(Json::parse(kMetadata)[0], 160).find("Long-running"), std::string::npos);
}

TEST(CliHelp, UnknownFunctionSuggestsTheNameInItsCase) {
  const Json m = Json::parse(kMetadata);
  auto wrong_case = findFunction(m, "getusers");
  ASSERT_FALSE(wrong_case.ok());
  EXPECT_NE(wrong_case.error().message.find("did you mean 'GetUsers'?"), std::string::npos);
  auto unknown = findFunction(m, "Nope");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("--list"), std::string::npos);
}

// ---------------------------------------------------------------- command line

Result<CommandLine> parse(std::vector<std::string> words, const char* env_password = nullptr) {
  return parseCommandLine(words, env_password);
}

std::string errorOf(std::vector<std::string> words) {
  auto r = parse(std::move(words));
  EXPECT_FALSE(r.ok());
  return r.ok() ? std::string() : r.error().message;
}

TEST(CliOptions, HelpNeedsNothingElse) {
  EXPECT_EQ(parse({})->action, Action::kHelp);
  EXPECT_EQ(parse({"--help"})->action, Action::kHelp);
  EXPECT_EQ(parse({"-h"})->action, Action::kHelp);
  EXPECT_EQ(parse({"-s", "h", "--help"})->action, Action::kHelp);
}

TEST(CliOptions, InvokeWithEveryArgumentForm) {
  auto r = parse({"-s", "mgmt.example.com:9000", "-u", "admin", "-t", "*", "-c", "GetUsers", "--instanceID=acme",
                  "--userName", "bob", "-extra", "v", "--empty=", "--output", "table"},
                 "secret");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->action, Action::kInvoke);
  EXPECT_EQ(r->client.host, "mgmt.example.com");
  EXPECT_EQ(r->client.port, 9000);
  EXPECT_EQ(r->client.password, "secret");
  EXPECT_EQ(r->function, "GetUsers");
  const std::map<std::string, std::string> args = {
      {"instanceID", "acme"}, {"userName", "bob"}, {"extra", "v"}, {"empty", ""}};
  EXPECT_EQ(r->args, args);
  EXPECT_EQ(r->output, OutputFormat::kTable);
  EXPECT_EQ(parse({"-u", "a", "-p", "given", "-c", "F"}, "env")->client.password, "given");
}

TEST(CliOptions, ServerForms) {
  EXPECT_EQ(parse({"-s", "[::1]:8000", "-u", "a", "--list"})->client.host, "::1");
  EXPECT_EQ(parse({"-s", "[::1]:8000", "-u", "a", "--list"})->client.port, 8000);
  EXPECT_EQ(parse({"-s", "::1", "-u", "a", "--list"})->client.host, "::1");
  EXPECT_EQ(parse({"-s", "::1", "-u", "a", "--list"})->client.port, 8474);
  EXPECT_EQ(parse({"-s", "[fe80::1]", "-u", "a", "--list"})->client.host, "fe80::1");
}

TEST(CliOptions, ListAndFunctionHelp) {
  EXPECT_EQ(parse({"-u", "a", "--list"})->action, Action::kList);
  auto r = parse({"-u", "a", "-c", "GetUsers", "--help"});
  EXPECT_EQ(r->action, Action::kFunctionHelp);
  EXPECT_EQ(r->function, "GetUsers");
  EXPECT_EQ(parse({"--help", "-u", "a", "-c", "GetUsers", "--instanceID=x"})->action, Action::kFunctionHelp);
}

TEST(CliOptions, EachUsageErrorNamesTheOption) {
  EXPECT_EQ(errorOf({"-x"}), "unknown option '-x'");
  EXPECT_EQ(errorOf({"-u"}), "-u needs a value");
  EXPECT_EQ(errorOf({"-c"}), "-c needs a function name");
  EXPECT_EQ(errorOf({"-u", "a", "-c", "--help"}), "-c needs a function name, not the option '--help'");
  EXPECT_EQ(errorOf({"-u", "a", "-c", "../x"}), "-c: '../x' is not a function name (letters, digits, '_' and '-')");
  EXPECT_EQ(errorOf({"-u", "a", "--output", "xml", "-c", "F"}), "--output must be json or table, not 'xml'");
  EXPECT_EQ(errorOf({"-u", "a", "-c", "F", "--output"}), "--output needs a value: json or table");
  EXPECT_EQ(errorOf({"-u", "a", "-c", "F", "--output=json", "--output=table"}), "--output is given twice");
  EXPECT_EQ(errorOf({"-u", "a", "-c", "F", "-u", "b"}), "-u is given twice");
  EXPECT_EQ(errorOf({"-u", "a", "-c", "F", "--n=1", "--n=2"}), "the argument 'n' is given twice");
  EXPECT_EQ(errorOf({"-u", "a", "-c", "F", "--name"}), "--name needs a value");
  EXPECT_EQ(errorOf({"-u", "a", "-c", "F", "--=1"}), "unexpected argument '--=1' (it names no argument)");
  EXPECT_EQ(errorOf({"-u", "a", "-c", "F", "stray"}),
            "unexpected argument 'stray' (function arguments are written --name=value)");
  EXPECT_EQ(errorOf({"-u", "a", "--list", "-c", "F"}), "--list and -c cannot be combined");
  EXPECT_EQ(errorOf({"-u", "a", "--list", "--x=1"}), "unknown option '--x' (--list takes no arguments)");
  EXPECT_EQ(errorOf({"-u", "a", "--x=1"}), "the function argument '--x' needs -c Function");
  EXPECT_EQ(errorOf({"-u", "a"}), "-c Function, --list or --help is required");
  EXPECT_EQ(errorOf({"-c", "F"}), "-u user is required (an administrator of the Management Server)");
  EXPECT_EQ(errorOf({"--list"}), "-u user is required (an administrator of the Management Server)");
}

TEST(CliOptions, BadServerAndThumbprintValues) {
  EXPECT_EQ(errorOf({"-s", "h:abc"}), "-s: the port in 'h:abc' is not a number");
  EXPECT_EQ(errorOf({"-s", "h:0"}), "-s: the port in 'h:0' is not within 1-65535");
  EXPECT_EQ(errorOf({"-s", "h:65536"}), "-s: the port in 'h:65536' is not within 1-65535");
  EXPECT_EQ(errorOf({"-s", "h:123456"}), "-s: the port in 'h:123456' is not a number");
  EXPECT_EQ(errorOf({"-s", "h:"}), "-s: 'h:' ends in ':' without a port");
  EXPECT_EQ(errorOf({"-s", ":80"}), "-s: ':80' names no host");
  EXPECT_EQ(errorOf({"-s", "[::1"}), "-s: '[::1' lacks the closing ']'");
  EXPECT_EQ(errorOf({"-t", "abc"}),
            "-t must be * or the server certificate's SHA-256 thumbprint (64 hex digits), not 'abc'");
  EXPECT_TRUE(parse({"-t", std::string(64, 'A'), "-u", "a", "--list"}).ok());
}

TEST(CliOptions, EchoedWordsAreCutAndControlCharactersHidden) {
  const std::string message = errorOf({std::string("st\x1b[2Jray") + std::string(500, 'x')});
  EXPECT_EQ(message.find('\x1b'), std::string::npos);
  EXPECT_LT(message.size(), 160u);
  EXPECT_NE(message.find("\u2026'"), std::string::npos);
}

}  // namespace
}  // namespace spe::cli
