/*
 * libsrtp 3 API on top of libsrtp 2 (Debian's libsrtp2-dev), for building mediasoup's
 * worker without downloading versatica's libsrtp 3 fork. Tributary's own file, not
 * upstream's: see scripts/mediasoup/README.md.
 *
 * The worker (src/DepLibSRTP.cpp, src/RTC/SrtpSession.cpp, include/RTC/SrtpSession.hpp)
 * uses exactly these libsrtp 3 differences from libsrtp 2:
 *   - srtp_policy_t is an opaque handle: srtp_policy_create/destroy, srtp_policy_set_ssrc,
 *     srtp_policy_set_profile, srtp_policy_add_key, srtp_policy_set_allow_repeat_tx,
 *     srtp_policy_set_window_size, and srtp_create(srtp_t*, srtp_policy_t);
 *   - srtp_protect/srtp_unprotect(_rtcp) take a separate output buffer and size_t lengths
 *     (libsrtp 2 works in place with int lengths);
 *   - two more error codes, srtp_err_status_buffer_small (28) and
 *     srtp_err_status_cryptex_err (29);
 *   - srtp_stream_remove is libsrtp 2's srtp_remove_stream. The worker passes htonl(ssrc):
 *     libsrtp 2 wants network byte order (libsrtp 3 documents host order), so the value is
 *     passed through unchanged.
 * Everything else it uses (srtp_init/shutdown, srtp_dealloc, events, profiles,
 * srtp_profile_get_master_{key,salt}_length, SRTP_MAX_TRAILER_LEN) is the same in libsrtp 2.
 *
 * C++ only: the new signatures are C++ overloads of libsrtp 2's extern "C" functions (C++
 * allows overloading a C-linkage function with C++-linkage ones), and the libsrtp 2 struct
 * named srtp_policy_t is renamed while its header is included so the opaque handle can take
 * the name. The C-linkage symbols are unaffected by the rename.
 */
#ifndef TRIBUTARY_SRTP3_ON_SRTP2_H
#define TRIBUTARY_SRTP3_ON_SRTP2_H

#ifndef __cplusplus
#error "This libsrtp 3 adapter is C++ only (mediasoup's worker is C++)."
#endif

#define srtp_policy_t tributary_srtp2_policy_t
#include <srtp2/srtp.h>
#undef srtp_policy_t

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>

// libsrtp 3 error codes that libsrtp 2 lacks (same numeric values as libsrtp 3).
inline constexpr srtp_err_status_t srtp_err_status_buffer_small = static_cast<srtp_err_status_t>(28);
inline constexpr srtp_err_status_t srtp_err_status_cryptex_err  = static_cast<srtp_err_status_t>(29);

struct tributary_srtp3_policy
{
	tributary_srtp2_policy_t v2{};
	unsigned char key[SRTP_MAX_KEY_LEN]{};
	bool hasProfile{ false };
	bool hasKey{ false };
	size_t keyLen{ 0 };  // master key + salt, as libsrtp 2 wants them: concatenated.
	size_t wantKeyLen{ 0 };
	size_t wantSaltLen{ 0 };
};

typedef tributary_srtp3_policy* srtp_policy_t;

inline srtp_err_status_t srtp_policy_create(srtp_policy_t* policy)
{
	if (policy == nullptr)
		return srtp_err_status_bad_param;
	*policy = new (std::nothrow) tributary_srtp3_policy();
	if (*policy == nullptr)
		return srtp_err_status_alloc_fail;
	(*policy)->v2.key = (*policy)->key;  // window_size 0: libsrtp 2's default (128).
	return srtp_err_status_ok;
}

inline void srtp_policy_destroy(srtp_policy_t policy)
{
	if (policy != nullptr)
	{
		// Don't leave key material in freed memory.
		volatile unsigned char* p = policy->key;
		for (size_t i = 0; i < sizeof(policy->key); ++i)
			p[i] = 0;
		delete policy;
	}
}

inline srtp_err_status_t srtp_policy_set_ssrc(srtp_policy_t policy, srtp_ssrc_t ssrc)
{
	if (policy == nullptr)
		return srtp_err_status_bad_param;
	policy->v2.ssrc = ssrc;
	return srtp_err_status_ok;
}

inline srtp_err_status_t srtp_policy_set_profile(srtp_policy_t policy, srtp_profile_t profile)
{
	if (policy == nullptr)
		return srtp_err_status_bad_param;
	srtp_err_status_t err = srtp_crypto_policy_set_from_profile_for_rtp(&policy->v2.rtp, profile);
	if (err != srtp_err_status_ok)
		return err;
	err = srtp_crypto_policy_set_from_profile_for_rtcp(&policy->v2.rtcp, profile);
	if (err != srtp_err_status_ok)
		return err;
	policy->wantKeyLen  = srtp_profile_get_master_key_length(profile);
	policy->wantSaltLen = srtp_profile_get_master_salt_length(profile);
	policy->hasProfile  = true;
	return srtp_err_status_ok;
}

inline srtp_err_status_t srtp_policy_add_key(
  srtp_policy_t policy,
  const uint8_t* key,
  size_t key_len,
  const uint8_t* salt,
  size_t salt_len,
  const uint8_t* mki,
  size_t mki_len)
{
	// One key per policy, no MKI: all the worker uses, and all this adapter supports.
	if (policy == nullptr || key == nullptr || !policy->hasProfile || policy->hasKey)
		return srtp_err_status_bad_param;
	if (mki != nullptr || mki_len != 0)
		return srtp_err_status_bad_param;
	if (key_len != policy->wantKeyLen || salt_len != policy->wantSaltLen)
		return srtp_err_status_bad_param;
	if (key_len + salt_len > sizeof(policy->key))
		return srtp_err_status_bad_param;
	std::memcpy(policy->key, key, key_len);
	if (salt_len > 0)
	{
		if (salt == nullptr)
			return srtp_err_status_bad_param;
		std::memcpy(policy->key + key_len, salt, salt_len);
	}
	policy->keyLen = key_len + salt_len;
	policy->hasKey = true;
	return srtp_err_status_ok;
}

inline srtp_err_status_t srtp_policy_set_allow_repeat_tx(srtp_policy_t policy, bool allow)
{
	if (policy == nullptr)
		return srtp_err_status_bad_param;
	policy->v2.allow_repeat_tx = allow ? 1 : 0;
	return srtp_err_status_ok;
}

inline srtp_err_status_t srtp_policy_set_window_size(srtp_policy_t policy, size_t window_size)
{
	if (policy == nullptr)
		return srtp_err_status_bad_param;
	policy->v2.window_size = static_cast<unsigned long>(window_size);
	return srtp_err_status_ok;
}

// libsrtp 3: srtp_create(srtp_t*, srtp_policy_t). libsrtp 2's srtp_create copies the keys.
inline srtp_err_status_t srtp_create(srtp_t* session, srtp_policy_t policy)
{
	if (policy == nullptr || !policy->hasProfile || !policy->hasKey)
		return srtp_err_status_bad_param;
	const tributary_srtp2_policy_t* v2 = &policy->v2;
	return srtp_create(session, v2);
}

inline srtp_err_status_t srtp_stream_remove(srtp_t session, uint32_t ssrc)
{
	return srtp_remove_stream(session, ssrc);
}

// Out-of-place, size_t-length wrappers of libsrtp 2's in-place, int-length functions.
// libsrtp 2 may write up to `trailer` bytes past the input, so the output buffer must have
// that room (libsrtp 3 checks the same and answers buffer_small).
namespace tributary_srtp3
{
	using InPlaceFn = srtp_err_status_t (*)(srtp_t, void*, int*);

	inline srtp_err_status_t Apply(
	  InPlaceFn fn,
	  srtp_t ctx,
	  const uint8_t* in,
	  size_t in_len,
	  uint8_t* out,
	  size_t* out_len,
	  size_t trailer)
	{
		if (in == nullptr || out == nullptr || out_len == nullptr)
			return srtp_err_status_bad_param;
		if (in_len > static_cast<size_t>(INT32_MAX) - trailer)
			return srtp_err_status_bad_param;
		if (*out_len < in_len + trailer)
			return srtp_err_status_buffer_small;
		if (out != in)
			std::memmove(out, in, in_len);
		int len                     = static_cast<int>(in_len);
		const srtp_err_status_t err = fn(ctx, out, &len);
		if (err != srtp_err_status_ok)
			return err;
		*out_len = static_cast<size_t>(len);
		return srtp_err_status_ok;
	}
} // namespace tributary_srtp3

inline srtp_err_status_t srtp_protect(
  srtp_t ctx, const uint8_t* rtp, size_t rtp_len, uint8_t* srtp, size_t* srtp_len, size_t mki_index)
{
	if (mki_index != 0)
		return srtp_err_status_bad_mki;
	return tributary_srtp3::Apply(
	  static_cast<tributary_srtp3::InPlaceFn>(&::srtp_protect), ctx, rtp, rtp_len, srtp, srtp_len, SRTP_MAX_TRAILER_LEN);
}

inline srtp_err_status_t srtp_unprotect(
  srtp_t ctx, const uint8_t* srtp, size_t srtp_len, uint8_t* rtp, size_t* rtp_len)
{
	// Unprotecting only shrinks the packet.
	return tributary_srtp3::Apply(
	  static_cast<tributary_srtp3::InPlaceFn>(&::srtp_unprotect), ctx, srtp, srtp_len, rtp, rtp_len, 0);
}

inline srtp_err_status_t srtp_protect_rtcp(
  srtp_t ctx, const uint8_t* rtcp, size_t rtcp_len, uint8_t* srtcp, size_t* srtcp_len, size_t mki_index)
{
	if (mki_index != 0)
		return srtp_err_status_bad_mki;
	// SRTCP adds the 4-byte E-flag/index word besides the tag.
	return tributary_srtp3::Apply(
	  static_cast<tributary_srtp3::InPlaceFn>(&::srtp_protect_rtcp),
	  ctx,
	  rtcp,
	  rtcp_len,
	  srtcp,
	  srtcp_len,
	  SRTP_MAX_TRAILER_LEN + 4);
}

inline srtp_err_status_t srtp_unprotect_rtcp(
  srtp_t ctx, const uint8_t* srtcp, size_t srtcp_len, uint8_t* rtcp, size_t* rtcp_len)
{
	return tributary_srtp3::Apply(
	  static_cast<tributary_srtp3::InPlaceFn>(&::srtp_unprotect_rtcp), ctx, srtcp, srtcp_len, rtcp, rtcp_len, 0);
}

#endif
