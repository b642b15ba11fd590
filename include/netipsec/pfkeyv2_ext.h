/*
 * Netipsec PF_KEY v2 extensions.
 *
 * Netipsec speaks PF_KEY v2 (RFC 2367) with the numbers and layouts of Linux's <linux/pfkeyv2.h>, and adds the
 * message types, extensions, SA flags and error diagnostics that Solaris pf_key(7P) defines and Linux does not.
 * Every value here is chosen outside the ranges Linux uses, so a program built against the Linux header keeps
 * working unchanged and may opt into the additions by including this file as well:
 *
 *   message types     32 and up   (Linux stops at SADB_X_MIGRATE = 24)
 *   extension types   32 and up   (Linux stops at SADB_X_EXT_FILTER = 26)
 *   SA flags          bits Linux leaves free (Linux uses bits 0, 29, 30 and 31), KAME's padding bits included
 *   diagnostics       0..79, carried in sadb_msg_reserved of a reply (Linux leaves that field zero)
 *
 * All multi-byte fields are in host byte order except SPIs, ports and addresses, which are in network order,
 * exactly as for the Linux structures.
 */

#ifndef NETIPSEC_PFKEYV2_EXT_H
#define NETIPSEC_PFKEYV2_EXT_H

#include <linux/types.h>
#include <linux/pfkeyv2.h>

/* In a reply, the base header's reserved field carries one of the SADB_X_DIAGNOSTIC_* codes below. */
#define sadb_x_msg_diagnostic sadb_msg_reserved

/* ---- Message types ---------------------------------------------------------------------------------------- */

/* A key manager asks which policy applies to an address pair; the answer looks like an extended ACQUIRE. */
#define SADB_X_INVERSE_ACQUIRE		32
/* Update the lifetimes of an SA and of the SA it is paired with, in one step. */
#define SADB_X_UPDATEPAIR		33
/* Delete an SA and the SA it is paired with, in one step. */
#define SADB_X_DELPAIR			34

/* ---- Extension types -------------------------------------------------------------------------------------- */

/* Extended REGISTER: the SA types a socket wants extended ACQUIREs for (struct sadb_x_ereg). */
#define SADB_X_EXT_EREG			32
/* Extended proposal of an extended ACQUIRE (struct sadb_x_eprop, then sadb_x_ecomb/sadb_x_algdesc groups). */
#define SADB_X_EXT_EPROP		33
/* Which key-management protocol, and which of its exchanges, made the SA (struct sadb_x_kmc). */
#define SADB_X_EXT_KM_COOKIE		34
/* NAT traversal: this node's public address and UDP port (struct sadb_address). */
#define SADB_X_EXT_ADDRESS_NATT_LOC	35
/* NAT traversal: the peer's private address and UDP port (struct sadb_address). */
#define SADB_X_EXT_ADDRESS_NATT_REM	36
/* Tunnel mode: inner-header source selector, with its prefix length (struct sadb_address). */
#define SADB_X_EXT_ADDRESS_INNER_SRC	37
/* Tunnel mode: inner-header destination selector, with its prefix length (struct sadb_address). */
#define SADB_X_EXT_ADDRESS_INNER_DST	38
/* The SPI of the SA this one is paired with (struct sadb_x_pair). */
#define SADB_X_EXT_PAIR			39
/* The last sequence number already used on the SA; it continues from there (struct sadb_x_replay_seq). */
#define SADB_X_EXT_REPLAY_SEQ		40

/* ---- SA flags (sadb_sa_flags) ------------------------------------------------------------------------------ */

/* SADB_SAFLAGS_PFS (1) is Linux's own and keeps its value. */
/* The SA has no replay protection. */
#define SADB_SAFLAGS_NOREPLAY		0x2
/* The three below sit in low bits because Linux already gives bits 29-31 other meanings. */
/* The SA has carried traffic. */
#define SADB_X_SAFLAGS_USED		0x2000
/* The SA serves one flow only and is not shared. */
#define SADB_X_SAFLAGS_UNIQUE		0x1000
/* The SA uses 64-bit extended sequence numbers (RFC 4303); Linux can say so only over XFRM netlink. */
#define SADB_X_SAFLAGS_ESN		0x400
/*
 * ESP padding (RFC 4303 section 2.4), with KAME's names and values so KAME/ipsec-tools code builds unchanged: the two
 * bits below 0x400 form a field; 0 is the default 1, 2, 3, ... which the receiver checks, either other value makes
 * the sender pad with random bytes or zeros and the receiver accept any padding. Both bits set is invalid (EINVAL),
 * and so is either bit on an SA other than ESP.
 */
#define SADB_X_EXT_PSEQ			0x0000	/* 1, 2, 3, ... (setkey -f seq-pad) */
#define SADB_X_EXT_PRAND		0x0100	/* random bytes (setkey -f random-pad) */
#define SADB_X_EXT_PZERO		0x0200	/* zeros (setkey -f zero-pad) */
#define SADB_X_EXT_PMASK		0x0300	/* the padding field */
/* Flags whose meaning belongs to the authentication algorithm. */
#define SADB_X_SAFLAGS_AALG1		0x800
#define SADB_X_SAFLAGS_AALG2		0x10000000
/* Flags whose meaning belongs to the encryption algorithm. */
#define SADB_X_SAFLAGS_EALG1		0x8000000
#define SADB_X_SAFLAGS_EALG2		0x4000000
/* Flags whose meaning belongs to the key manager. */
#define SADB_X_SAFLAGS_KM1		0x2000000
#define SADB_X_SAFLAGS_KM2		0x1000000
#define SADB_X_SAFLAGS_KM3		0x800000
#define SADB_X_SAFLAGS_KM4		0x400000
/* Kept for the implementation; never set by a key manager. */
#define SADB_X_SAFLAGS_KRES1		0x200000
/* The SA's local side is behind a NAT (a NATT_LOC address applies). */
#define SADB_X_SAFLAGS_NATT_LOC		0x100000
/* The SA's remote side is behind a NAT (a NATT_REM address applies). */
#define SADB_X_SAFLAGS_NATT_REM		0x80000
/* Kept for the implementation; never set by a key manager. */
#define SADB_X_SAFLAGS_KRES2		0x40000
/* The SA is used in tunnel mode. */
#define SADB_X_SAFLAGS_TUNNEL		0x20000
/* The SA is one half of an inbound/outbound pair. */
#define SADB_X_SAFLAGS_PAIRED		0x10000
/* Direction of the SA, when known. */
#define SADB_X_SAFLAGS_OUTBOUND		0x8000
#define SADB_X_SAFLAGS_INBOUND		0x4000

/* ---- Algorithm kinds in sadb_x_algdesc -------------------------------------------------------------------- */

#define SADB_X_ALGTYPE_NONE		0
#define SADB_X_ALGTYPE_AUTH		1
#define SADB_X_ALGTYPE_CRYPT		2
#define SADB_X_ALGTYPE_COMPRESS		3

/* ---- Diagnostics (sadb_x_msg_diagnostic) ------------------------------------------------------------------ */

#define SADB_X_DIAGNOSTIC_NONE			0	/* no further detail */
#define SADB_X_DIAGNOSTIC_UNKNOWN_MSG		1	/* message type not known */
#define SADB_X_DIAGNOSTIC_UNKNOWN_EXT		2	/* extension type not known */
#define SADB_X_DIAGNOSTIC_BAD_EXTLEN		3	/* an extension's length is wrong */
#define SADB_X_DIAGNOSTIC_UNKNOWN_SATYPE	4	/* SA type not known */
#define SADB_X_DIAGNOSTIC_SATYPE_NEEDED		5	/* the message needs an SA type */
#define SADB_X_DIAGNOSTIC_NO_SADBS		6	/* no database for that SA type */
#define SADB_X_DIAGNOSTIC_NO_EXT		7	/* a needed extension is absent */
#define SADB_X_DIAGNOSTIC_BAD_SRC_AF		8	/* source sockaddr family */
#define SADB_X_DIAGNOSTIC_BAD_DST_AF		9	/* destination sockaddr family */
#define SADB_X_DIAGNOSTIC_BAD_PROXY_AF		10	/* proxy sockaddr family */
#define SADB_X_DIAGNOSTIC_BAD_INNER_SRC_AF	10	/* inner source sockaddr family (same code as proxy) */
#define SADB_X_DIAGNOSTIC_AF_MISMATCH		11	/* source and destination families differ */
#define SADB_X_DIAGNOSTIC_BAD_SRC		12	/* source address unusable */
#define SADB_X_DIAGNOSTIC_BAD_DST		13	/* destination address unusable */
#define SADB_X_DIAGNOSTIC_ALLOC_HSERR		14	/* soft allocations above hard */
#define SADB_X_DIAGNOSTIC_BYTES_HSERR		15	/* soft bytes above hard */
#define SADB_X_DIAGNOSTIC_ADDTIME_HSERR		16	/* soft add-time above hard */
#define SADB_X_DIAGNOSTIC_USETIME_HSERR		17	/* soft use-time above hard */
#define SADB_X_DIAGNOSTIC_MISSING_SRC		18
#define SADB_X_DIAGNOSTIC_MISSING_DST		19
#define SADB_X_DIAGNOSTIC_MISSING_SA		20
#define SADB_X_DIAGNOSTIC_MISSING_EKEY		21
#define SADB_X_DIAGNOSTIC_MISSING_AKEY		22
#define SADB_X_DIAGNOSTIC_MISSING_RANGE		23
#define SADB_X_DIAGNOSTIC_DUPLICATE_SRC		24
#define SADB_X_DIAGNOSTIC_DUPLICATE_DST		25
#define SADB_X_DIAGNOSTIC_DUPLICATE_SA		26
#define SADB_X_DIAGNOSTIC_DUPLICATE_EKEY	27
#define SADB_X_DIAGNOSTIC_DUPLICATE_AKEY	28
#define SADB_X_DIAGNOSTIC_DUPLICATE_RANGE	29
#define SADB_X_DIAGNOSTIC_MALFORMED_SRC		30
#define SADB_X_DIAGNOSTIC_MALFORMED_DST		31
#define SADB_X_DIAGNOSTIC_MALFORMED_SA		32
#define SADB_X_DIAGNOSTIC_MALFORMED_EKEY	33
#define SADB_X_DIAGNOSTIC_MALFORMED_AKEY	34
#define SADB_X_DIAGNOSTIC_MALFORMED_RANGE	35
#define SADB_X_DIAGNOSTIC_AKEY_PRESENT		36	/* an authentication key where none belongs */
#define SADB_X_DIAGNOSTIC_EKEY_PRESENT		37	/* an encryption key where none belongs */
#define SADB_X_DIAGNOSTIC_PROP_PRESENT		38	/* a proposal where none belongs */
#define SADB_X_DIAGNOSTIC_SUPP_PRESENT		39	/* a supported-algorithms list where none belongs */
#define SADB_X_DIAGNOSTIC_BAD_AALG		40	/* authentication algorithm not usable */
#define SADB_X_DIAGNOSTIC_BAD_EALG		41	/* encryption algorithm not usable */
#define SADB_X_DIAGNOSTIC_BAD_SAFLAGS		42
#define SADB_X_DIAGNOSTIC_BAD_SASTATE		43
#define SADB_X_DIAGNOSTIC_BAD_AKEYBITS		44	/* authentication key size wrong for the algorithm */
#define SADB_X_DIAGNOSTIC_BAD_EKEYBITS		45	/* encryption key size wrong for the algorithm */
#define SADB_X_DIAGNOSTIC_ENCR_NOTSUPP		46	/* encryption not available */
#define SADB_X_DIAGNOSTIC_WEAK_EKEY		47	/* encryption key is a known weak key */
#define SADB_X_DIAGNOSTIC_WEAK_AKEY		48	/* authentication key is a known weak key */
#define SADB_X_DIAGNOSTIC_DUPLICATE_KMP		49	/* key-management protocol given twice */
#define SADB_X_DIAGNOSTIC_DUPLICATE_KMC		50	/* key-management cookie given twice */
#define SADB_X_DIAGNOSTIC_MISSING_NATT_LOC	51
#define SADB_X_DIAGNOSTIC_MISSING_NATT_REM	52
#define SADB_X_DIAGNOSTIC_DUPLICATE_NATT_LOC	53
#define SADB_X_DIAGNOSTIC_DUPLICATE_NATT_REM	54
#define SADB_X_DIAGNOSTIC_MALFORMED_NATT_LOC	55
#define SADB_X_DIAGNOSTIC_MALFORMED_NATT_REM	56
#define SADB_X_DIAGNOSTIC_DUPLICATE_NATT_PORTS	57	/* NAT-T ports given twice */
#define SADB_X_DIAGNOSTIC_MISSING_INNER_SRC	58
#define SADB_X_DIAGNOSTIC_MISSING_INNER_DST	59
#define SADB_X_DIAGNOSTIC_DUPLICATE_INNER_SRC	60
#define SADB_X_DIAGNOSTIC_DUPLICATE_INNER_DST	61
#define SADB_X_DIAGNOSTIC_MALFORMED_INNER_SRC	62
#define SADB_X_DIAGNOSTIC_MALFORMED_INNER_DST	63
#define SADB_X_DIAGNOSTIC_PREFIX_INNER_SRC	64	/* inner source prefix length out of range */
#define SADB_X_DIAGNOSTIC_PREFIX_INNER_DST	65	/* inner destination prefix length out of range */
#define SADB_X_DIAGNOSTIC_BAD_INNER_DST_AF	66
#define SADB_X_DIAGNOSTIC_INNER_AF_MISMATCH	67	/* inner source and destination families differ */
#define SADB_X_DIAGNOSTIC_BAD_NATT_REM_AF	68
#define SADB_X_DIAGNOSTIC_BAD_NATT_LOC_AF	69
#define SADB_X_DIAGNOSTIC_PROTO_MISMATCH	70	/* source and destination protocols differ */
#define SADB_X_DIAGNOSTIC_INNER_PROTO_MISMATCH	71	/* inner source and destination protocols differ */
#define SADB_X_DIAGNOSTIC_DUAL_PORT_SETS	72	/* ports on both the outer and the inner addresses */
#define SADB_X_DIAGNOSTIC_PAIR_INAPPROPRIATE	73	/* a pair where the message cannot take one */
#define SADB_X_DIAGNOSTIC_PAIR_ADD_MISMATCH	74	/* the pair's SA does not match this one */
#define SADB_X_DIAGNOSTIC_PAIR_ALREADY		75	/* the SA is already paired */
#define SADB_X_DIAGNOSTIC_PAIR_SA_NOTFOUND	76	/* the pair's SA does not exist */
#define SADB_X_DIAGNOSTIC_BAD_SA_DIRECTION	77	/* inbound/outbound flags do not fit the addresses */
#define SADB_X_DIAGNOSTIC_SA_NOTFOUND		78
#define SADB_X_DIAGNOSTIC_SA_EXPIRED		79
#define SADB_X_DIAGNOSTIC_MAX			79

/* ---- Structures ------------------------------------------------------------------------------------------- */

/* SADB_X_EXT_PAIR. */
struct sadb_x_pair {
	__u16	sadb_x_pair_len;
	__u16	sadb_x_pair_exttype;
	__be32	sadb_x_pair_spi;		/* SPI of the other SA of the pair, as in sadb_sa_spi */
} __attribute__((packed));
/* sizeof(struct sadb_x_pair) == 8 */

/* SADB_X_EXT_REPLAY_SEQ, in ADD or in the UPDATE of a larval SA: an SA that continues elsewhere (high availability,
 * migration). An outbound SA sends seq + 1 next; an inbound SA's anti-replay window starts with seq as its highest
 * number, nothing below it marked seen. Above 2^32 - 1 only with SADB_X_SAFLAGS_ESN. GET and DUMP replies carry
 * it once the SA has carried traffic (the sender's last number or the receiver's highest), ready for that ADD. */
struct sadb_x_replay_seq {
	__u16	sadb_x_replay_seq_len;
	__u16	sadb_x_replay_seq_exttype;
	__u32	sadb_x_replay_seq_reserved;	/* zero */
	__u64	sadb_x_replay_seq_seq;		/* host order, as every 64-bit PF_KEY field */
} __attribute__((packed));
/* sizeof(struct sadb_x_replay_seq) == 16 */

/* SADB_X_EXT_KM_COOKIE. */
struct sadb_x_kmc {
	__u16	sadb_x_kmc_len;
	__u16	sadb_x_kmc_exttype;
	__u32	sadb_x_kmc_proto;		/* key-management protocol */
	__u32	sadb_x_kmc_cookie;		/* meaning defined by that protocol */
	__u32	sadb_x_kmc_reserved;		/* zero */
} __attribute__((packed));
/* sizeof(struct sadb_x_kmc) == 16 */

/* SADB_X_EXT_EREG: SA types, ended by a zero or by the end of the extension (which may be longer than 8 bytes). */
struct sadb_x_ereg {
	__u16	sadb_x_ereg_len;
	__u16	sadb_x_ereg_exttype;
	__u8	sadb_x_ereg_satypes[4];
} __attribute__((packed));
/* sizeof(struct sadb_x_ereg) == 8 */

/*
 * SADB_X_EXT_EPROP. Linux's struct sadb_prop has three reserved bytes where the extended proposal keeps the number
 * of combinations, hence this separate header. It is followed by sadb_x_eprop_numecombs groups, each a struct
 * sadb_x_ecomb followed by sadb_x_ecomb_numalgs struct sadb_x_algdesc.
 */
struct sadb_x_eprop {
	__u16	sadb_x_eprop_len;
	__u16	sadb_x_eprop_exttype;
	__u8	sadb_x_eprop_replay;		/* replay window size */
	__u8	sadb_x_eprop_reserved;
	__u16	sadb_x_eprop_numecombs;
} __attribute__((packed));
/* sizeof(struct sadb_x_eprop) == 8 */

struct sadb_x_ecomb {
	__u8	sadb_x_ecomb_numalgs;		/* sadb_x_algdesc entries that follow */
	__u8	sadb_x_ecomb_reserved;
	__u16	sadb_x_ecomb_flags;		/* SADB_SAFLAGS_* that apply, e.g. PFS */
	__u32	sadb_x_ecomb_reserved2;
	__u32	sadb_x_ecomb_soft_allocations;
	__u32	sadb_x_ecomb_hard_allocations;
	__u64	sadb_x_ecomb_soft_bytes;
	__u64	sadb_x_ecomb_hard_bytes;
	__u64	sadb_x_ecomb_soft_addtime;
	__u64	sadb_x_ecomb_hard_addtime;
	__u64	sadb_x_ecomb_soft_usetime;
	__u64	sadb_x_ecomb_hard_usetime;
} __attribute__((packed));
/* sizeof(struct sadb_x_ecomb) == 64 */

struct sadb_x_algdesc {
	__u8	sadb_x_algdesc_satype;		/* SADB_SATYPE_* this algorithm serves */
	__u8	sadb_x_algdesc_algtype;		/* SADB_X_ALGTYPE_* */
	__u8	sadb_x_algdesc_alg;		/* SADB_AALG_*, SADB_EALG_* or SADB_X_CALG_* */
	__u8	sadb_x_algdesc_reserved;
	__u16	sadb_x_algdesc_minbits;		/* key size range */
	__u16	sadb_x_algdesc_maxbits;
} __attribute__((packed));
/* sizeof(struct sadb_x_algdesc) == 8 */

#endif /* NETIPSEC_PFKEYV2_EXT_H */
