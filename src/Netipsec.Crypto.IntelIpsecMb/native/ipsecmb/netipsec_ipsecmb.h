/*
 * The shim between Netipsec's IntelIpsecMbEngine (C#) and intel-ipsec-mb 1.x: a narrow, blittable interface of
 * plain pointers and integers, so the managed side calls it through function pointers without marshalling.
 *
 * Keys: the caller allocates nx_imb_key_size() bytes aligned to nx_imb_key_alignment(), and nx_imb_key_init fills
 * them with the key schedule (AES round keys, GCM hash keys, HMAC ipad/opad states, XCBC k1/k2/k3, CMAC subkeys,
 * DES schedules). A prepared key is only read afterwards, so one key serves any number of threads at once. The
 * caller wipes and frees the memory.
 *
 * Operations work in place on the caller's buffers and return an nx_status. AEAD tags and MACs are compared in
 * constant time here; a failed AEAD open leaves the data zeroed (AES-GMAC: untouched, nothing was decrypted).
 */
#ifndef NETIPSEC_IPSECMB_H
#define NETIPSEC_IPSECMB_H

#include <stdint.h>

/* What a key computes; the managed side's NativePrimitive mirrors these numbers. */
enum nx_primitive {
        NX_AES_GCM = 1,
        NX_AES_GMAC = 2,
        NX_CHACHA20_POLY1305 = 3,
        NX_AES_CCM = 4,
        NX_AES_CBC = 5,
        NX_AES_CTR = 6,
        NX_DES_CBC = 7,
        NX_3DES_CBC = 8,
        NX_HMAC_MD5 = 9,
        NX_HMAC_SHA1 = 10,
        NX_HMAC_SHA256 = 11,
        NX_HMAC_SHA384 = 12,
        NX_HMAC_SHA512 = 13,
        NX_AES_XCBC = 14,
        NX_AES_CMAC = 15,
};

enum nx_status {
        NX_OK = 0,
        NX_AUTH_FAILED = 1, /* tag or ICV mismatch */
        NX_INVALID = 2,     /* a length the primitive cannot take; nothing changed */
        NX_ERROR = 3,       /* the library refused the job */
};

/* One packet of a burst. For MACs, aad/aad_len is the appended part (ESN high bits) and tag the ICV. */
struct nx_op {
        const uint8_t *iv;
        const uint8_t *aad;
        uint64_t aad_len;
        uint8_t *data;
        uint64_t len;
        uint8_t *tag;
        int32_t status; /* out */
        int32_t reserved;
};

#endif
