#pragma once
// A CUPS scheduler of the test's own: cupsd in the foreground with its own
// ServerRoot, spool, logs and a unix socket in a temporary directory, so lp
// and lpadmin talk to it (lp -h SOCKET) and never to the machine's CUPS. Its
// queues print to files (FileDevice Yes, device URI file:///…) through a PPD
// whose only filter passes the PDF through unchanged: what lands in the file
// is exactly what the kiosk sent.

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

#include "print/cups_lp.hpp"
#include "support/temp_dir.hpp"

namespace motcua::test {

class PrivateCups {
 public:
  PrivateCups() = default;
  ~PrivateCups() { stop(); }
  PrivateCups(const PrivateCups&) = delete;
  PrivateCups& operator=(const PrivateCups&) = delete;

  // Starts cupsd and waits (up to 15 s) until lpstat says it is running.
  // Empty on success, else what went wrong (with the end of cupsd's log).
  std::string start();
  void stop();

  const std::string& server() const { return socket_; }  // for lp -h / CUPS_SERVER
  const std::filesystem::path& dir() const { return dir_.path(); }

  // A queue printing to `output` (created by cupsd when the job completes).
  std::string add_file_queue(const std::string& name, const std::filesystem::path& output);
  // Runs a CUPS admin program against this scheduler: {"cupsreject", "q"} → cupsreject -h SOCKET q.
  // Empty on success, else its output.
  std::string admin(std::vector<std::string> argv);
  std::string log_tail() const;

 private:
  TempDir dir_;
  std::string socket_;
  pid_t pid_ = -1;
};

}  // namespace motcua::test
