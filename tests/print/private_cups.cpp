#include "private_cups.hpp"

#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

extern char** environ;

namespace motcua::test {

namespace {

using namespace std::chrono_literals;

void write_text(const std::filesystem::path& p, const std::string& text, mode_t mode = 0644) {
  std::ofstream(p) << text;
  ::chmod(p.c_str(), mode);
}

}  // namespace

std::string PrivateCups::start() {
  const auto& d = dir_.path();
  // cupsd runs filters as user lp: they must reach the filter and the PPD.
  ::chmod(d.c_str(), 0755);
  for (const char* sub : {"root", "spool", "cache", "state", "log", "tmp", "bin", "out"}) {
    std::filesystem::create_directories(d / sub);
    ::chmod((d / sub).c_str(), 0755);
  }
  socket_ = (d / "cups.sock").string();
  const bool root = ::geteuid() == 0;
  write_text(d / "root/cups-files.conf",
             "ServerRoot " + (d / "root").string() + "\nRequestRoot " + (d / "spool").string() +
                 "\nCacheDir " + (d / "cache").string() + "\nStateDir " + (d / "state").string() + "\nTempDir " +
                 (d / "tmp").string() + "\nAccessLog " + (d / "log/access_log").string() + "\nErrorLog " +
                 (d / "log/error_log").string() + "\nPageLog " + (d / "log/page_log").string() +
                 "\nFileDevice Yes\nPrintcap\n" + (root ? "User lp\nGroup lp\nSystemGroup root\n" : ""));
  write_text(d / "root/cupsd.conf", "Listen " + socket_ +
                                        "\nLogLevel info\nBrowsing No\nWebInterface No\nDefaultAuthType None\n"
                                        "<Location />\n  Order allow,deny\n  Allow all\n</Location>\n"
                                        "<Policy default>\n  <Limit All>\n    Order deny,allow\n  </Limit>\n</Policy>\n");
  // The only filter: the PDF, unchanged (argv[6] is the spooled file; stdin when absent).
  write_text(d / "bin/passthrough", "#!/bin/sh\nif [ -n \"$6\" ]; then exec cat \"$6\"; else exec cat; fi\n", 0755);
  write_text(d / "root/file.ppd",
             "*PPD-Adobe: \"4.3\"\n*FormatVersion: \"4.3\"\n*FileVersion: \"1.0\"\n*LanguageVersion: English\n"
             "*LanguageEncoding: ISOLatin1\n*PCFileName: \"MOTCUA.PPD\"\n*Manufacturer: \"motcua\"\n"
             "*Product: \"(motcua test)\"\n*ModelName: \"motcua PDF to file\"\n*ShortNickName: \"motcua PDF to file\"\n"
             "*NickName: \"motcua PDF to file\"\n*PSVersion: \"(3010.000) 0\"\n*LanguageLevel: \"3\"\n"
             "*ColorDevice: False\n*DefaultColorSpace: Gray\n*FileSystem: False\n*Throughput: \"1\"\n"
             "*TTRasterizer: Type42\n*cupsVersion: 2.4\n"
             "*cupsFilter2: \"application/pdf application/vnd.cups-pdf 0 " +
                 (d / "bin/passthrough").string() +
                 "\"\n*OpenUI *PageSize/Media Size: PickOne\n*DefaultPageSize: A5\n*PageSize A5/A5: \"\"\n"
                 "*PageSize A4/A4: \"\"\n*CloseUI: *PageSize\n*DefaultImageableArea: A5\n"
                 "*ImageableArea A5/A5: \"0 0 420 595\"\n*ImageableArea A4/A4: \"0 0 595 842\"\n"
                 "*DefaultPaperDimension: A5\n*PaperDimension A5/A5: \"420 595\"\n*PaperDimension A4/A4: \"595 842\"\n");

  const std::string conf = (d / "root/cupsd.conf").string(), files = (d / "root/cups-files.conf").string();
  const std::string log = (d / "log/cupsd.out").string();
  std::vector<std::string> argv{"cupsd", "-f", "-c", conf, "-s", files};
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  // cupsd lives in /usr/sbin, which a test runner's PATH may lack.
  std::string path_env = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";
  std::vector<char*> envp{path_env.data(), nullptr};
  const int rc = ::posix_spawnp(&pid_, "cupsd", &fa, nullptr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) {
    pid_ = -1;
    return "cannot start cupsd (" + std::string(std::strerror(rc)) +
           "): install cups-daemon (provisioning/install-deps.sh)";
  }
  const auto deadline = std::chrono::steady_clock::now() + 15s;
  std::string last;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return "cupsd exited at start:\n" + log_tail();
    }
    auto run = print::run_program({"lpstat", "-h", socket_, "-r"}, {"LC_ALL=C"}, 2s);
    if (run && run->out.find("scheduler is running") != std::string::npos) return {};
    if (run) last = run->out + run->err;
    std::this_thread::sleep_for(50ms);  // polling a condition with a deadline, not a fixed wait
  }
  return "cupsd did not answer within 15 s (" + last + "):\n" + log_tail();
}

void PrivateCups::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  int status = 0;
  while (::waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(20ms);
  }
  pid_ = -1;
}

std::string PrivateCups::add_file_queue(const std::string& name, const std::filesystem::path& output) {
  return admin({"lpadmin", "-p", name, "-E", "-v", "file://" + output.string(), "-P",
                (dir_.path() / "root/file.ppd").string()});
}

std::string PrivateCups::admin(std::vector<std::string> argv) {
  argv.insert(argv.begin() + 1, {"-h", socket_});
  auto run = print::run_program(argv, {"LC_ALL=C", "PATH=/usr/sbin:/usr/bin:/sbin:/bin"}, 15s);
  if (!run) return run.error();
  if (run->exit_code != 0) return argv[0] + " failed: " + run->out + run->err;
  return {};
}

std::string PrivateCups::log_tail() const {
  std::string text;
  for (const char* f : {"log/cupsd.out", "log/error_log"}) {
    std::ifstream in(dir_.path() / f);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string s = ss.str();
    if (s.size() > 2000) s = s.substr(s.size() - 2000);
    text += std::string("--- ") + f + "\n" + s;
  }
  return text;
}

}  // namespace motcua::test
