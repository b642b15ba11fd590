/*
 * Netipsec's shim over intel-ipsec-mb (see netipsec_ipsecmb.h for the contract).
 *
 * AES-GCM, AES-GMAC and ChaCha20-Poly1305 use the library's direct API through one manager initialised once; those
 * calls keep their context on the stack and only read the manager's function pointers, so any thread may make them.
 * Everything else (AES-CCM, AES-CBC, AES-CTR, DES/3DES-CBC, HMAC, AES-XCBC, AES-CMAC) goes through the job API,
 * whose manager holds queues: each thread gets its own manager, created on first use and freed when the thread ends.
 */
#define _DEFAULT_SOURCE
#include <intel-ipsec-mb.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "netipsec_ipsecmb.h"

#define EXPORT __attribute__((visibility("default")))

#define AES_SCHEDULE 240       /* 15 round keys of 16 bytes: enough for AES-256 */
#define HMAC_STATE 64          /* the largest intermediate hash state (SHA-512) */
#define MAX_HMAC_BLOCK 128     /* SHA-384/512 block */
#define MAX_TAG 64             /* the longest tag or MAC a job writes */
#define ESP_IV 8               /* explicit IV of the counter-based ESP modes */
#define MAX_NONCE 16
#define CHUNK 32               /* jobs queued before flushing: a few lanes' worth for every architecture */

struct nx_key {
        union {
                struct gcm_key_data gcm; /* AES-GCM, AES-GMAC */
                struct {                 /* AES-CBC, AES-CTR, AES-CCM, AES-CMAC */
                        uint8_t enc[AES_SCHEDULE] __attribute__((aligned(16)));
                        uint8_t dec[AES_SCHEDULE] __attribute__((aligned(16)));
                        uint8_t subkey1[16] __attribute__((aligned(16)));
                        uint8_t subkey2[16] __attribute__((aligned(16)));
                } aes;
                struct {
                        uint8_t k1[176] __attribute__((aligned(16)));
                        uint8_t k2[16] __attribute__((aligned(16)));
                        uint8_t k3[16] __attribute__((aligned(16)));
                } xcbc;
                struct {
                        uint8_t ipad[HMAC_STATE] __attribute__((aligned(16)));
                        uint8_t opad[HMAC_STATE] __attribute__((aligned(16)));
                        uint8_t key[MAX_HMAC_BLOCK]; /* for nx_imb_hmac_key: the jobs refuse empty messages */
                } hmac;
                struct {
                        uint64_t schedule[3][IMB_DES_KEY_SCHED_SIZE / 8];
                        const void *parts[3]; /* 3DES jobs take pointers to the three schedules */
                } des;
                uint8_t chacha[32];
        } u;
        uint32_t primitive;
        uint32_t key_len;
        uint32_t tag_len;
        uint32_t salt_len;
        uint8_t salt[4];
} __attribute__((aligned(64)));

struct nx_thread {
        IMB_MGR *mgr;
        uint8_t *scratch; /* joins a MAC's data and appended bytes, which jobs need contiguous */
        size_t capacity;
};

static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static pthread_key_t g_thread_key;
static IMB_MGR *g_mgr;
static int g_init;
static __thread struct nx_thread *t_state;

/* Non-null stand-in for an empty buffer: the library checks pointers even when the length is 0. */
static uint8_t g_empty[16];

static void thread_free(void *state)
{
        struct nx_thread *t = state;
        if (t->mgr != NULL)
                free_mb_mgr(t->mgr);
        if (t->scratch != NULL) {
                explicit_bzero(t->scratch, t->capacity);
                free(t->scratch);
        }
        free(t);
}

static void init_once(void)
{
        IMB_ARCH arch = IMB_ARCH_NONE;

        /* The manager's layout is the header's: a library of another major version would not match it. */
        if ((imb_get_version() >> 16) != (IMB_VERSION_NUM >> 16) || imb_get_version() < IMB_VERSION_NUM) {
                g_init = -2;
                return;
        }
        if (pthread_key_create(&g_thread_key, thread_free) != 0) {
                g_init = -1;
                return;
        }
        g_mgr = alloc_mb_mgr(0);
        if (g_mgr == NULL) {
                g_init = -1;
                return;
        }
        init_mb_mgr_auto(g_mgr, &arch);
        /* Below SSE the library emulates AES-NI in software: slower than the portable engine, so not offered. */
        if (imb_get_errno(g_mgr) != 0 || arch < IMB_ARCH_SSE) {
                g_init = -3;
                return;
        }
        g_init = (int)arch;
}

/* The architecture the library picked (IMB_ARCH: 2 SSE, 3 AVX, 4 AVX2, 5 AVX-512), or a negative reason. */
EXPORT int nx_imb_init(void)
{
        pthread_once(&g_once, init_once);
        return g_init;
}

EXPORT const char *nx_imb_version(void)
{
        return imb_get_version_str();
}

EXPORT uint32_t nx_imb_key_size(void)
{
        return sizeof(struct nx_key);
}

EXPORT uint32_t nx_imb_key_alignment(void)
{
        return _Alignof(struct nx_key);
}

static struct nx_thread *thread_state(void)
{
        struct nx_thread *t = t_state;
        if (t != NULL)
                return t;
        t = calloc(1, sizeof(*t));
        if (t == NULL)
                return NULL;
        t->mgr = alloc_mb_mgr(0);
        if (t->mgr == NULL) {
                free(t);
                return NULL;
        }
        init_mb_mgr_auto(t->mgr, NULL);
        pthread_setspecific(g_thread_key, t);
        t_state = t;
        return t;
}

static uint8_t *scratch(struct nx_thread *t, size_t length)
{
        if (t->capacity < length) {
                size_t capacity = (length + 4095) & ~(size_t)4095;
                uint8_t *grown = malloc(capacity);
                if (grown == NULL)
                        return NULL;
                if (t->scratch != NULL) {
                        explicit_bzero(t->scratch, t->capacity);
                        free(t->scratch);
                }
                t->scratch = grown;
                t->capacity = capacity;
        }
        return t->scratch;
}

static int equal_in_constant_time(const uint8_t *a, const uint8_t *b, uint32_t length)
{
        uint8_t difference = 0;
        for (uint32_t i = 0; i < length; i++)
                difference |= (uint8_t)(a[i] ^ b[i]);
        return difference == 0;
}

static const uint8_t *or_empty(const uint8_t *buffer)
{
        return buffer != NULL ? buffer : g_empty;
}

static int aes_key_expansion(const uint8_t *key, uint32_t length, void *enc, void *dec)
{
        switch (length) {
        case 16: IMB_AES_KEYEXP_128(g_mgr, key, enc, dec); return NX_OK;
        case 24: IMB_AES_KEYEXP_192(g_mgr, key, enc, dec); return NX_OK;
        case 32: IMB_AES_KEYEXP_256(g_mgr, key, enc, dec); return NX_OK;
        default: return NX_INVALID;
        }
}

static uint32_t hmac_block(uint32_t primitive)
{
        return primitive == NX_HMAC_SHA384 || primitive == NX_HMAC_SHA512 ? 128 : 64;
}

static void hash_one_block(uint32_t primitive, const uint8_t *block, uint8_t *state)
{
        switch (primitive) {
        case NX_HMAC_MD5: IMB_MD5_ONE_BLOCK(g_mgr, block, state); break;
        case NX_HMAC_SHA1: IMB_SHA1_ONE_BLOCK(g_mgr, block, state); break;
        case NX_HMAC_SHA256: IMB_SHA256_ONE_BLOCK(g_mgr, block, state); break;
        case NX_HMAC_SHA384: IMB_SHA384_ONE_BLOCK(g_mgr, block, state); break;
        default: IMB_SHA512_ONE_BLOCK(g_mgr, block, state); break;
        }
}

/* RFC 2104 §2: the hash states after (K ^ ipad) and (K ^ opad), so packets hash only their own data. */
static int hmac_key(struct nx_key *k, const uint8_t *key, uint32_t length)
{
        uint8_t block[MAX_HMAC_BLOCK];
        uint32_t size = hmac_block(k->primitive);
        if (length > size)
                return NX_INVALID; /* the managed side hashes longer keys first */
        for (int pass = 0; pass < 2; pass++) {
                memset(block, pass == 0 ? 0x36 : 0x5c, size);
                for (uint32_t i = 0; i < length; i++)
                        block[i] ^= key[i];
                hash_one_block(k->primitive, block, pass == 0 ? k->u.hmac.ipad : k->u.hmac.opad);
        }
        explicit_bzero(block, sizeof(block));
        memcpy(k->u.hmac.key, key, length);
        return NX_OK;
}

/*
 * An HMAC key as prepared (at most one hash block), so the caller can MAC an empty message, which the library's
 * HMAC jobs refuse (and IPsec never sends: ESP and AH always cover their headers). Returns its length, 0 for others.
 */
EXPORT uint32_t nx_imb_hmac_key(const struct nx_key *k, uint8_t *out, uint32_t capacity)
{
        if (k->primitive < NX_HMAC_MD5 || k->primitive > NX_HMAC_SHA512 || k->key_len > capacity)
                return 0;
        memcpy(out, k->u.hmac.key, k->key_len);
        return k->key_len;
}

static int des_key(struct nx_key *k, const uint8_t *key, uint32_t parts)
{
        for (uint32_t i = 0; i < parts; i++) {
                if (IMB_DES_KEYSCHED(g_mgr, k->u.des.schedule[i], key + 8 * i) != 0)
                        return NX_INVALID;
                k->u.des.parts[i] = k->u.des.schedule[i];
        }
        return NX_OK;
}

static int prepare(struct nx_key *k, const uint8_t *key, uint32_t key_len)
{
        switch (k->primitive) {
        case NX_AES_GCM:
        case NX_AES_GMAC:
                if (k->tag_len < 4 || k->tag_len > 16)
                        return NX_INVALID;
                switch (key_len) {
                case 16: IMB_AES128_GCM_PRE(g_mgr, key, &k->u.gcm); return NX_OK;
                case 24: IMB_AES192_GCM_PRE(g_mgr, key, &k->u.gcm); return NX_OK;
                case 32: IMB_AES256_GCM_PRE(g_mgr, key, &k->u.gcm); return NX_OK;
                default: return NX_INVALID;
                }
        case NX_CHACHA20_POLY1305:
                if (key_len != 32 || k->tag_len != 16)
                        return NX_INVALID;
                memcpy(k->u.chacha, key, 32);
                return NX_OK;
        case NX_AES_CCM:
                /* The library's CCM runs 128- and 256-bit keys only. */
                if ((key_len != 16 && key_len != 32) || k->tag_len < 4 || k->tag_len > 16 || k->tag_len % 2 != 0)
                        return NX_INVALID;
                return aes_key_expansion(key, key_len, k->u.aes.enc, k->u.aes.dec);
        case NX_AES_CBC:
        case NX_AES_CTR:
                return aes_key_expansion(key, key_len, k->u.aes.enc, k->u.aes.dec);
        case NX_DES_CBC:
                return key_len == 8 ? des_key(k, key, 1) : NX_INVALID;
        case NX_3DES_CBC:
                return key_len == 24 ? des_key(k, key, 3) : NX_INVALID;
        case NX_HMAC_MD5:
        case NX_HMAC_SHA1:
        case NX_HMAC_SHA256:
        case NX_HMAC_SHA384:
        case NX_HMAC_SHA512:
                return hmac_key(k, key, key_len);
        case NX_AES_XCBC:
                if (key_len != 16)
                        return NX_INVALID;
                IMB_AES_XCBC_KEYEXP(g_mgr, key, k->u.xcbc.k1, k->u.xcbc.k2, k->u.xcbc.k3);
                return NX_OK;
        case NX_AES_CMAC:
                if (key_len != 16)
                        return NX_INVALID;
                IMB_AES_KEYEXP_128(g_mgr, key, k->u.aes.enc, k->u.aes.dec);
                IMB_AES_CMAC_SUBKEY_GEN_128(g_mgr, k->u.aes.enc, k->u.aes.subkey1, k->u.aes.subkey2);
                return NX_OK;
        default:
                return NX_INVALID;
        }
}

/*
 * Prepares a key: key is the cipher or MAC key, salt the salt or nonce the SA's key material ends with (RFC 4106,
 * 4309, 3686, 7634, 4543), tag_len the ICV or tag length. On failure the memory is left zeroed.
 */
EXPORT int nx_imb_key_init(struct nx_key *k, uint32_t primitive, const uint8_t *key, uint32_t key_len,
                           const uint8_t *salt, uint32_t salt_len, uint32_t tag_len)
{
        if (nx_imb_init() < 0)
                return NX_ERROR;
        memset(k, 0, sizeof(*k));
        if (salt_len > sizeof(k->salt) || tag_len > MAX_TAG)
                return NX_INVALID;
        k->primitive = primitive;
        k->key_len = key_len;
        k->tag_len = tag_len;
        k->salt_len = salt_len;
        if (salt_len > 0)
                memcpy(k->salt, salt, salt_len);
        int status = prepare(k, key, key_len);
        if (status != NX_OK)
                explicit_bzero(k, sizeof(*k));
        return status;
}

/* RFC 4106 §4, RFC 4309 §4, RFC 7634 §2, RFC 4543 §3.1, RFC 3686 §4: salt || explicit IV. */
static uint32_t build_nonce(const struct nx_key *k, const uint8_t *iv, uint8_t *nonce)
{
        memcpy(nonce, k->salt, k->salt_len);
        memcpy(nonce + k->salt_len, iv, ESP_IV);
        return k->salt_len + ESP_IV;
}

static void gcm(const struct nx_key *k, int encrypt, const uint8_t *nonce, struct nx_op *op, uint8_t *tag)
{
        struct gcm_context_data ctx;
        const struct gcm_key_data *key = &k->u.gcm;
        const uint8_t *aad = or_empty(op->aad);
        uint8_t *data = op->len > 0 ? op->data : g_empty;
        if (encrypt) {
                switch (k->key_len) {
                case 16: IMB_AES128_GCM_ENC(g_mgr, key, &ctx, data, data, op->len, nonce, aad, op->aad_len, tag, k->tag_len); break;
                case 24: IMB_AES192_GCM_ENC(g_mgr, key, &ctx, data, data, op->len, nonce, aad, op->aad_len, tag, k->tag_len); break;
                default: IMB_AES256_GCM_ENC(g_mgr, key, &ctx, data, data, op->len, nonce, aad, op->aad_len, tag, k->tag_len); break;
                }
        } else {
                switch (k->key_len) {
                case 16: IMB_AES128_GCM_DEC(g_mgr, key, &ctx, data, data, op->len, nonce, aad, op->aad_len, tag, k->tag_len); break;
                case 24: IMB_AES192_GCM_DEC(g_mgr, key, &ctx, data, data, op->len, nonce, aad, op->aad_len, tag, k->tag_len); break;
                default: IMB_AES256_GCM_DEC(g_mgr, key, &ctx, data, data, op->len, nonce, aad, op->aad_len, tag, k->tag_len); break;
                }
        }
        explicit_bzero(&ctx, sizeof(ctx));
}

static void gmac_update(const struct nx_key *k, struct gcm_context_data *ctx, const uint8_t *in, uint64_t length)
{
        switch (k->key_len) {
        case 16: IMB_AES128_GMAC_UPDATE(g_mgr, &k->u.gcm, ctx, in, length); break;
        case 24: IMB_AES192_GMAC_UPDATE(g_mgr, &k->u.gcm, ctx, in, length); break;
        default: IMB_AES256_GMAC_UPDATE(g_mgr, &k->u.gcm, ctx, in, length); break;
        }
}

/*
 * RFC 4543: GMAC over associated data followed by data, which are two buffers. Every update but the last must be
 * whole 16-byte blocks, so the block where they meet is assembled on the stack.
 */
static void gmac(const struct nx_key *k, const uint8_t *nonce, const struct nx_op *op, uint8_t *tag)
{
        struct gcm_context_data ctx;
        uint8_t block[16];
        const uint8_t *data = op->data;
        uint64_t length = op->len;
        uint64_t whole = op->aad_len & ~(uint64_t)15;
        uint64_t rest = op->aad_len - whole;

        switch (k->key_len) {
        case 16: IMB_AES128_GMAC_INIT(g_mgr, &k->u.gcm, &ctx, nonce, 12); break;
        case 24: IMB_AES192_GMAC_INIT(g_mgr, &k->u.gcm, &ctx, nonce, 12); break;
        default: IMB_AES256_GMAC_INIT(g_mgr, &k->u.gcm, &ctx, nonce, 12); break;
        }
        if (whole > 0)
                gmac_update(k, &ctx, op->aad, whole);
        if (rest > 0) {
                uint64_t take = length < 16 - rest ? length : 16 - rest;
                memcpy(block, op->aad + whole, rest);
                if (take > 0)
                        memcpy(block + rest, data, take);
                gmac_update(k, &ctx, block, rest + take);
                data += take;
                length -= take;
        }
        if (length > 0)
                gmac_update(k, &ctx, data, length);
        switch (k->key_len) {
        case 16: IMB_AES128_GMAC_FINALIZE(g_mgr, &k->u.gcm, &ctx, tag, k->tag_len); break;
        case 24: IMB_AES192_GMAC_FINALIZE(g_mgr, &k->u.gcm, &ctx, tag, k->tag_len); break;
        default: IMB_AES256_GMAC_FINALIZE(g_mgr, &k->u.gcm, &ctx, tag, k->tag_len); break;
        }
        explicit_bzero(&ctx, sizeof(ctx));
}

static void chacha20_poly1305(const struct nx_key *k, int encrypt, const uint8_t *nonce, struct nx_op *op, uint8_t *tag)
{
        struct chacha20_poly1305_context_data ctx;
        IMB_CHACHA20_POLY1305_INIT(g_mgr, k->u.chacha, &ctx, nonce, or_empty(op->aad), op->aad_len);
        if (op->len > 0) {
                if (encrypt)
                        IMB_CHACHA20_POLY1305_ENC_UPDATE(g_mgr, k->u.chacha, &ctx, op->data, op->data, op->len);
                else
                        IMB_CHACHA20_POLY1305_DEC_UPDATE(g_mgr, k->u.chacha, &ctx, op->data, op->data, op->len);
        }
        IMB_CHACHA20_POLY1305_ENC_FINALIZE(g_mgr, &ctx, tag, k->tag_len);
        explicit_bzero(&ctx, sizeof(ctx));
}

/* One AES-GCM, AES-GMAC or ChaCha20-Poly1305 packet through the direct API. */
static int direct_aead(const struct nx_key *k, int encrypt, struct nx_op *op)
{
        uint8_t nonce[MAX_NONCE];
        uint8_t computed[16];
        uint8_t *tag = encrypt ? op->tag : computed;
        build_nonce(k, op->iv, nonce);
        switch (k->primitive) {
        case NX_AES_GCM: gcm(k, encrypt, nonce, op, tag); break;
        case NX_AES_GMAC: gmac(k, nonce, op, tag); break;
        default: chacha20_poly1305(k, encrypt, nonce, op, tag); break;
        }
        explicit_bzero(nonce, sizeof(nonce));
        if (encrypt)
                return NX_OK;
        int authentic = equal_in_constant_time(computed, op->tag, k->tag_len);
        explicit_bzero(computed, sizeof(computed));
        if (authentic)
                return NX_OK;
        if (k->primitive != NX_AES_GMAC && op->len > 0)
                explicit_bzero(op->data, op->len); /* never hand out unauthenticated plaintext */
        return NX_AUTH_FAILED;
}

static int is_mac(uint32_t primitive)
{
        return primitive >= NX_HMAC_MD5 && primitive <= NX_AES_CMAC;
}

static uint32_t block_size(uint32_t primitive)
{
        switch (primitive) {
        case NX_AES_CBC: return 16;
        case NX_DES_CBC:
        case NX_3DES_CBC: return 8;
        default: return 1;
        }
}

/* Per-job storage that must outlive the submit call: the nonce or counter block and a tag to compare. */
struct slot {
        uint8_t nonce[MAX_NONCE];
        uint8_t tag[MAX_TAG];
};

static void fill_mac(const struct nx_key *k, IMB_JOB *job)
{
        switch (k->primitive) {
        case NX_HMAC_MD5: job->hash_alg = IMB_AUTH_MD5; break;
        case NX_HMAC_SHA1: job->hash_alg = IMB_AUTH_HMAC_SHA_1; break;
        case NX_HMAC_SHA256: job->hash_alg = IMB_AUTH_HMAC_SHA_256; break;
        case NX_HMAC_SHA384: job->hash_alg = IMB_AUTH_HMAC_SHA_384; break;
        case NX_HMAC_SHA512: job->hash_alg = IMB_AUTH_HMAC_SHA_512; break;
        case NX_AES_XCBC: job->hash_alg = IMB_AUTH_AES_XCBC; break;
        default: job->hash_alg = IMB_AUTH_AES_CMAC; break;
        }
        if (k->primitive == NX_AES_XCBC) {
                job->u.XCBC._k1_expanded = (const uint32_t *)k->u.xcbc.k1;
                job->u.XCBC._k2 = k->u.xcbc.k2;
                job->u.XCBC._k3 = k->u.xcbc.k3;
        } else if (k->primitive == NX_AES_CMAC) {
                job->u.CMAC._key_expanded = k->u.aes.enc;
                job->u.CMAC._skey1 = k->u.aes.subkey1;
                job->u.CMAC._skey2 = k->u.aes.subkey2;
        } else {
                job->u.HMAC._hashed_auth_key_xor_ipad = k->u.hmac.ipad;
                job->u.HMAC._hashed_auth_key_xor_opad = k->u.hmac.opad;
        }
        job->cipher_mode = IMB_CIPHER_NULL;
        job->cipher_direction = IMB_DIR_ENCRYPT;
        job->chain_order = IMB_ORDER_HASH_CIPHER;
        job->cipher_start_src_offset_in_bytes = 0;
        job->msg_len_to_cipher_in_bytes = 0;
        job->key_len_in_bytes = 0;
        job->enc_keys = NULL;
        job->dec_keys = NULL;
        job->iv = NULL;
        job->iv_len_in_bytes = 0;
}

static void fill_cipher(const struct nx_key *k, int encrypt, IMB_JOB *job, struct slot *slot, const struct nx_op *op)
{
        job->hash_alg = IMB_AUTH_NULL;
        job->auth_tag_output = NULL;
        job->auth_tag_output_len_in_bytes = 0;
        job->cipher_direction = encrypt ? IMB_DIR_ENCRYPT : IMB_DIR_DECRYPT;
        job->chain_order = encrypt ? IMB_ORDER_CIPHER_HASH : IMB_ORDER_HASH_CIPHER;
        job->src = op->data;
        job->dst = op->data;
        job->cipher_start_src_offset_in_bytes = 0;
        job->msg_len_to_cipher_in_bytes = op->len;
        job->hash_start_src_offset_in_bytes = 0;
        job->msg_len_to_hash_in_bytes = 0;
        job->key_len_in_bytes = k->key_len;
        switch (k->primitive) {
        case NX_AES_CBC:
                job->cipher_mode = IMB_CIPHER_CBC;
                job->enc_keys = k->u.aes.enc;
                job->dec_keys = k->u.aes.dec;
                job->iv = op->iv;
                job->iv_len_in_bytes = 16;
                break;
        case NX_AES_CTR:
                /* RFC 3686 §4: nonce || IV; with a 12-byte IV the library appends the block counter, from 1. */
                job->cipher_mode = IMB_CIPHER_CNTR;
                job->enc_keys = k->u.aes.enc;
                job->dec_keys = k->u.aes.enc;
                job->iv = slot->nonce;
                job->iv_len_in_bytes = build_nonce(k, op->iv, slot->nonce);
                break;
        case NX_DES_CBC:
                job->cipher_mode = IMB_CIPHER_DES;
                job->enc_keys = k->u.des.schedule[0];
                job->dec_keys = k->u.des.schedule[0];
                job->iv = op->iv;
                job->iv_len_in_bytes = 8;
                break;
        default:
                job->cipher_mode = IMB_CIPHER_DES3;
                job->enc_keys = k->u.des.parts;
                job->dec_keys = k->u.des.parts;
                job->iv = op->iv;
                job->iv_len_in_bytes = 8;
                break;
        }
}

static void fill_ccm(const struct nx_key *k, int encrypt, IMB_JOB *job, struct slot *slot, struct nx_op *op)
{
        /* CCM authenticates the plaintext: MAC first when sealing, decrypt first when opening. */
        job->cipher_mode = IMB_CIPHER_CCM;
        job->hash_alg = IMB_AUTH_AES_CCM;
        job->cipher_direction = encrypt ? IMB_DIR_ENCRYPT : IMB_DIR_DECRYPT;
        job->chain_order = encrypt ? IMB_ORDER_HASH_CIPHER : IMB_ORDER_CIPHER_HASH;
        job->enc_keys = k->u.aes.enc;
        job->dec_keys = k->u.aes.enc;
        job->key_len_in_bytes = k->key_len;
        job->src = op->len > 0 ? op->data : g_empty;
        job->dst = op->len > 0 ? op->data : g_empty;
        job->cipher_start_src_offset_in_bytes = 0;
        job->msg_len_to_cipher_in_bytes = op->len;
        job->hash_start_src_offset_in_bytes = 0;
        job->msg_len_to_hash_in_bytes = op->len;
        job->iv = slot->nonce;
        job->iv_len_in_bytes = build_nonce(k, op->iv, slot->nonce);
        job->u.CCM.aad = or_empty(op->aad);
        job->u.CCM.aad_len_in_bytes = op->aad_len;
        job->auth_tag_output = encrypt ? op->tag : slot->tag;
        job->auth_tag_output_len_in_bytes = k->tag_len;
}

static void complete(const struct nx_key *k, int forward, IMB_JOB *job, struct nx_op *ops, struct slot *slots)
{
        uint32_t i = (uint32_t)(uintptr_t)job->user_data2;
        struct nx_op *op = &ops[i];
        if (job->status != IMB_STATUS_COMPLETED) {
                op->status = NX_ERROR;
                return;
        }
        int checks_tag = !forward && (k->primitive == NX_AES_CCM || is_mac(k->primitive));
        if (!checks_tag) {
                op->status = NX_OK;
                return;
        }
        op->status = equal_in_constant_time(slots[i].tag, op->tag, k->tag_len) ? NX_OK : NX_AUTH_FAILED;
        if (op->status != NX_OK && k->primitive == NX_AES_CCM && op->len > 0)
                explicit_bzero(op->data, op->len);
}

/*
 * Up to CHUNK packets through the thread's job manager: queue them all, collect whatever completes, then flush.
 * forward = encrypt or compute. MACs whose appended part is not empty are hashed from a contiguous copy.
 */
static void job_chunk(const struct nx_key *k, int forward, struct nx_op *ops, uint32_t n)
{
        struct slot slots[CHUNK];
        struct nx_thread *t = thread_state();
        int mac = is_mac(k->primitive);
        size_t joined = 0;
        uint8_t *buffer = NULL;

        for (uint32_t i = 0; i < n; i++) {
                ops[i].status = NX_ERROR;
                if (mac && ops[i].aad_len > 0)
                        joined += ops[i].len + ops[i].aad_len;
        }
        if (t == NULL || (joined > 0 && (buffer = scratch(t, joined)) == NULL))
                return;

        IMB_MGR *m = t->mgr;
        size_t offset = 0;
        uint32_t queued = 0;
        for (uint32_t i = 0; i < n; i++) {
                struct nx_op *op = &ops[i];
                if (!mac && k->primitive != NX_AES_CCM && op->len == 0) {
                        op->status = NX_OK; /* nothing to encrypt; the library refuses empty cipher jobs */
                        continue;
                }
                IMB_JOB *job = IMB_GET_NEXT_JOB(m);
                job->user_data = NULL;
                job->user_data2 = (void *)(uintptr_t)i;
                if (mac) {
                        const uint8_t *source = op->len > 0 ? op->data : g_empty;
                        uint64_t length = op->len;
                        if (op->aad_len > 0) {
                                if (op->len > 0)
                                        memcpy(buffer + offset, op->data, op->len);
                                memcpy(buffer + offset + op->len, op->aad, op->aad_len);
                                source = buffer + offset;
                                length = op->len + op->aad_len;
                                offset += length;
                        }
                        fill_mac(k, job);
                        job->src = source;
                        job->dst = (uint8_t *)source;
                        job->hash_start_src_offset_in_bytes = 0;
                        job->msg_len_to_hash_in_bytes = length;
                        job->auth_tag_output = forward ? op->tag : slots[i].tag;
                        job->auth_tag_output_len_in_bytes = k->tag_len;
                } else if (k->primitive == NX_AES_CCM) {
                        fill_ccm(k, forward, job, &slots[i], op);
                } else {
                        fill_cipher(k, forward, job, &slots[i], op);
                }
                queued++;
                job = IMB_SUBMIT_JOB(m);
                while (job != NULL) {
                        complete(k, forward, job, ops, slots);
                        queued--;
                        job = IMB_GET_COMPLETED_JOB(m);
                }
        }
        while (queued > 0) {
                IMB_JOB *job = IMB_FLUSH_JOB(m);
                if (job == NULL)
                        break;
                complete(k, forward, job, ops, slots);
                queued--;
        }
        explicit_bzero(slots, sizeof(slots));
}

static int valid_op(const struct nx_key *k, const struct nx_op *op)
{
        if ((op->len > 0 && op->data == NULL) || (op->aad_len > 0 && op->aad == NULL))
                return 0;
        return is_mac(k->primitive) || op->len % block_size(k->primitive) == 0;
}

/*
 * Runs n packets: AEAD seal/open (forward = seal), cipher encrypt/decrypt (forward = encrypt) or MAC compute/verify
 * (forward = compute), whichever the key is for. Writes each op's status; returns how many succeeded.
 */
EXPORT uint32_t nx_imb_burst(const struct nx_key *k, int32_t forward, struct nx_op *ops, uint32_t n)
{
        uint32_t succeeded = 0;
        int direct = k->primitive == NX_AES_GCM || k->primitive == NX_AES_GMAC || k->primitive == NX_CHACHA20_POLY1305;
        for (uint32_t start = 0; start < n; start += CHUNK) {
                uint32_t count = n - start < CHUNK ? n - start : CHUNK;
                struct nx_op *chunk = ops + start;
                uint32_t valid = 1;
                for (uint32_t i = 0; i < count; i++)
                        valid &= (uint32_t)valid_op(k, &chunk[i]);
                if (direct || !valid) {
                        for (uint32_t i = 0; i < count; i++) {
                                if (!valid_op(k, &chunk[i]))
                                        chunk[i].status = NX_INVALID;
                                else if (direct)
                                        chunk[i].status = direct_aead(k, forward, &chunk[i]);
                                else
                                        job_chunk(k, forward, &chunk[i], 1);
                        }
                } else {
                        job_chunk(k, forward, chunk, count);
                }
                for (uint32_t i = 0; i < count; i++)
                        succeeded += chunk[i].status == NX_OK;
        }
        return succeeded;
}

/* One packet: the single-call form of nx_imb_burst (iv may be null for MACs, aad is the appended part of a MAC). */
EXPORT int32_t nx_imb_one(const struct nx_key *k, int32_t forward, const uint8_t *iv, const uint8_t *aad,
                          uint64_t aad_len, uint8_t *data, uint64_t len, uint8_t *tag)
{
        struct nx_op op = { iv, aad, aad_len, data, len, tag, NX_ERROR, 0 };
        nx_imb_burst(k, forward, &op, 1);
        return op.status;
}
