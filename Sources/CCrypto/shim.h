// OpenSSL's libcrypto message digests (EVP), used for SHA-256 checksums of shards.
#ifndef AMSS_CCRYPTO_SHIM_H
#define AMSS_CCRYPTO_SHIM_H
#include <openssl/evp.h>
#endif
