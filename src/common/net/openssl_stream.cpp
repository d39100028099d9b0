#include "common/net/openssl_stream.h"

#include <openssl/err.h>

#include <boost/asio/ssl/error.hpp>
#include <cstring>
#include <stdexcept>

namespace spe::openssl_stream_detail {

namespace {

// Memory held for received ciphertext once OpenSSL took it all: a string
// that grew past this is given back.
constexpr std::size_t kKeptInput = 2048;

Core* coreOf(BIO* bio) { return static_cast<Core*>(BIO_get_data(bio)); }

int bioWrite(BIO* bio, const char* data, std::size_t size, std::size_t* written) {
  BIO_clear_retry_flags(bio);
  try {  // nothing may throw through OpenSSL's C frames
    coreOf(bio)->bioWrite(data, size);
  } catch (...) {
    return 0;  // OpenSSL's call fails
  }
  *written = size;
  return 1;
}

int bioRead(BIO* bio, char* data, std::size_t size, std::size_t* read) {
  BIO_clear_retry_flags(bio);
  if (coreOf(bio)->bioRead(data, size, read)) return 1;
  BIO_set_retry_read(bio);
  return 0;
}

long bioCtrl(BIO* bio, int cmd, long /*num*/, void* /*ptr*/) {
  switch (cmd) {
    case BIO_CTRL_FLUSH: return 1;
    case BIO_CTRL_PENDING: return static_cast<long>(coreOf(bio)->inputLeft());
    case BIO_CTRL_WPENDING: return static_cast<long>(coreOf(bio)->outputLeft());
    default: return 0;
  }
}

int bioCreate(BIO* bio) {
  BIO_set_init(bio, 1);
  return 1;
}

BIO_METHOD* bioMethod() {
  static BIO_METHOD* const method = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "spe stream");
    if (m == nullptr || BIO_meth_set_write_ex(m, bioWrite) != 1 || BIO_meth_set_read_ex(m, bioRead) != 1 ||
        BIO_meth_set_ctrl(m, bioCtrl) != 1 || BIO_meth_set_create(m, bioCreate) != 1) {
      throw std::runtime_error("OpenSSL could not make the stream's BIO method.");
    }
    return m;
  }();
  return method;
}

// The index under which an SSL object points to its Core (certificate checks).
int coreIndex() {
  static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

int verifyThroughCore(int preverified, X509_STORE_CTX* store) {
  auto* ssl = static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
  auto* core = ssl ? static_cast<Core*>(SSL_get_ex_data(ssl, coreIndex())) : nullptr;
  return core != nullptr && core->verify(preverified != 0, store) ? 1 : 0;
}

}  // namespace

Core::Core(asio::ssl::context& ctx, const asio::any_io_executor& ex) : gate(ex, asio::steady_timer::time_point::max()) {
  ssl_ = SSL_new(ctx.native_handle());
  BIO* bio = ssl_ ? BIO_new(bioMethod()) : nullptr;
  if (bio == nullptr) {
    if (ssl_) SSL_free(ssl_);
    throw boost::system::system_error(ErrorCodeT(static_cast<int>(ERR_get_error()), asio::error::get_ssl_category()),
                                      "SSL_new");
  }
  // No SSL_MODE_ENABLE_PARTIAL_WRITE: our BIO takes every record, so a
  // write encrypts all it is given in one call.
  SSL_set_mode(ssl_, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS);
  // No renegotiation on any connection, whatever its context says: it
  // would make a write read and a read write.
  SSL_set_options(ssl_, SSL_OP_NO_RENEGOTIATION);
  BIO_set_data(bio, this);
  SSL_set_bio(ssl_, bio, bio);  // one reference, both ways
}

Core::~Core() { SSL_free(ssl_); }

std::vector<char> Core::takeOutput() {
  std::vector<char> out;
  out.swap(out_);
  return out;
}

int Core::bioRead(char* data, std::size_t size, std::size_t* read) {
  const std::size_t left = in_.size() - in_pos_;
  if (left == 0) return 0;
  const std::size_t n = std::min(size, left);
  std::memcpy(data, in_.data() + in_pos_, n);
  in_pos_ += n;
  *read = n;
  if (in_pos_ == in_.size()) {
    in_pos_ = 0;
    if (in_.capacity() > kKeptInput) {
      std::string().swap(in_);
    } else {
      in_.clear();
    }
  }
  return 1;
}

ErrorCodeT Core::endOfInput() const {
  if (in_pos_ == in_.size() && (SSL_get_shutdown(ssl_) & SSL_RECEIVED_SHUTDOWN) != 0) return asio::error::eof;
  return asio::ssl::error::stream_truncated;
}

Want Core::perform(Call call, void* data, std::size_t size, ErrorCodeT& ec, std::size_t& bytes) {
  ERR_clear_error();
  std::size_t moved = 0;
  int result = 0;
  switch (call) {
    case Call::kHandshake: result = SSL_do_handshake(ssl_); break;
    case Call::kRead: result = SSL_read_ex(ssl_, data, size, &moved); break;
    case Call::kWrite: result = SSL_write_ex(ssl_, data, size, &moved); break;
    case Call::kShutdown:
      // 0: close_notify sent; the second call waits for the peer's.
      result = SSL_shutdown(ssl_);
      if (result == 0) result = SSL_shutdown(ssl_);
      break;
  }
  const int error = SSL_get_error(ssl_, result);
  const auto queued = static_cast<int>(ERR_get_error());
  switch (error) {
    case SSL_ERROR_NONE: bytes = moved; return Want::kDone;
    case SSL_ERROR_WANT_READ:
      // Records still here (a call that stopped after one that carried no
      // data): take them before asking the socket for more.
      return inputLeft() > 0 ? Want::kRetry : Want::kInput;
    case SSL_ERROR_WANT_WRITE:  // our BIO takes every write: never asked again
      ec = asio::ssl::error::unexpected_result;
      return Want::kDone;
    case SSL_ERROR_ZERO_RETURN: ec = asio::error::eof; return Want::kDone;
    case SSL_ERROR_SYSCALL:
      ec = queued != 0 ? ErrorCodeT(queued, asio::error::get_ssl_category())
                       : ErrorCodeT(asio::ssl::error::unspecified_system_error);
      return Want::kDone;
    case SSL_ERROR_SSL: ec = ErrorCodeT(queued, asio::error::get_ssl_category()); return Want::kDone;
    default: ec = asio::ssl::error::unexpected_result; return Want::kDone;
  }
}

void Core::setVerifyCallback(std::function<bool(bool, asio::ssl::verify_context&)> callback) {
  verify_ = std::move(callback);
  SSL_set_ex_data(ssl_, coreIndex(), this);
  SSL_set_verify(ssl_, SSL_get_verify_mode(ssl_), verifyThroughCore);
}

bool Core::verify(bool preverified, X509_STORE_CTX* store) {
  if (!verify_) return preverified;
  asio::ssl::verify_context context(store);
  return verify_(preverified, context);
}

}  // namespace spe::openssl_stream_detail
