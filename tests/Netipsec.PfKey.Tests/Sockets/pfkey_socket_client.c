/*
 * A PF_KEY client in C for Netipsec's socket server: the same messages a key manager sends to a kernel PF_KEY
 * socket, built with <linux/pfkeyv2.h>'s own structures, over AF_UNIX SOCK_SEQPACKET (the kernel has no PF_KEY here).
 *
 *   pfkey_socket_client PATH full     ADD, X_SPDADD, GET, DUMP and a short packet; checks every reply
 *   pfkey_socket_client PATH connect  connects and reports what the server does with it
 *
 * Prints one line per step; exits 0 when every check held, 1 (with "FAIL ..." on stderr) otherwise.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>
#include <linux/pfkeyv2.h>
#include <linux/ipsec.h>
#include <netipsec/pfkeyv2_ext.h>

#define SPI 0x0a0b0c0d
#define AUTH_KEY_FIRST 0x11
#define AUTH_KEY_BYTES 32
#define ENC_KEY_FIRST 0x41
#define ENC_KEY_BYTES 16

static uint8_t reply[65536];

static void fail(const char *what)
{
    fprintf(stderr, "FAIL %s (errno %d: %s)\n", what, errno, strerror(errno));
    exit(1);
}

static void check(int condition, const char *what)
{
    if (!condition) {
        errno = 0;
        fail(what);
    }
}

static size_t put_header(uint8_t *at, uint8_t type, uint8_t satype, uint32_t seq)
{
    struct sadb_msg *msg = (struct sadb_msg *)at;
    memset(msg, 0, sizeof *msg);
    msg->sadb_msg_version = PF_KEY_V2;
    msg->sadb_msg_type = type;
    msg->sadb_msg_satype = satype;
    msg->sadb_msg_seq = seq;
    msg->sadb_msg_pid = (uint32_t)getpid();
    return sizeof *msg;
}

static size_t put_sa(uint8_t *at)
{
    struct sadb_sa *sa = (struct sadb_sa *)at;
    memset(sa, 0, sizeof *sa);
    sa->sadb_sa_len = sizeof *sa / 8;
    sa->sadb_sa_exttype = SADB_EXT_SA;
    sa->sadb_sa_spi = htonl(SPI);
    sa->sadb_sa_replay = 32;
    sa->sadb_sa_state = SADB_SASTATE_MATURE;
    sa->sadb_sa_auth = SADB_X_AALG_SHA2_256HMAC;
    sa->sadb_sa_encrypt = SADB_X_EALG_AESCBC;
    return sizeof *sa;
}

static size_t put_address(uint8_t *at, uint16_t type, const char *text)
{
    struct sadb_address *address = (struct sadb_address *)at;
    struct sockaddr_in *sin = (struct sockaddr_in *)(address + 1);
    memset(address, 0, sizeof *address + sizeof *sin);
    address->sadb_address_len = (sizeof *address + sizeof *sin) / 8;
    address->sadb_address_exttype = type;
    address->sadb_address_proto = IPSEC_ULPROTO_ANY;
    address->sadb_address_prefixlen = 32;
    sin->sin_family = AF_INET;
    inet_pton(AF_INET, text, &sin->sin_addr);
    return sizeof *address + sizeof *sin;
}

static size_t put_key(uint8_t *at, uint16_t type, uint8_t first, int bytes)
{
    struct sadb_key *key = (struct sadb_key *)at;
    int padded = (bytes + 7) / 8 * 8;
    memset(key, 0, sizeof *key + padded);
    key->sadb_key_len = (sizeof *key + padded) / 8;
    key->sadb_key_exttype = type;
    key->sadb_key_bits = bytes * 8;
    for (int i = 0; i < bytes; i++)
        at[sizeof *key + i] = (uint8_t)(first + i);
    return sizeof *key + padded;
}

static size_t put_policy(uint8_t *at)
{
    struct sadb_x_policy *policy = (struct sadb_x_policy *)at;
    struct sadb_x_ipsecrequest *request = (struct sadb_x_ipsecrequest *)(policy + 1);
    memset(policy, 0, sizeof *policy + sizeof *request);
    policy->sadb_x_policy_len = (sizeof *policy + sizeof *request) / 8;
    policy->sadb_x_policy_exttype = SADB_X_EXT_POLICY;
    policy->sadb_x_policy_type = IPSEC_POLICY_IPSEC;
    policy->sadb_x_policy_dir = IPSEC_DIR_OUTBOUND;
    request->sadb_x_ipsecrequest_len = sizeof *request;
    request->sadb_x_ipsecrequest_proto = IPPROTO_ESP;
    request->sadb_x_ipsecrequest_mode = IPSEC_MODE_TRANSPORT;
    request->sadb_x_ipsecrequest_level = IPSEC_LEVEL_REQUIRE;
    return sizeof *policy + sizeof *request;
}

static void send_message(int fd, uint8_t *message, size_t length, const char *what)
{
    ((struct sadb_msg *)message)->sadb_msg_len = (uint16_t)(length / 8);
    if (send(fd, message, length, 0) != (ssize_t)length)
        fail(what);
}

/* Receives one message and checks its base header: version, type, no error, sequence, length. */
static struct sadb_msg *receive(int fd, uint8_t type, uint32_t seq, const char *what)
{
    ssize_t length = recv(fd, reply, sizeof reply, 0);
    if (length < 0)
        fail(what);
    struct sadb_msg *msg = (struct sadb_msg *)reply;
    check(length >= (ssize_t)sizeof *msg, what);
    check(msg->sadb_msg_version == PF_KEY_V2, what);
    check(msg->sadb_msg_len * 8 == length, what);
    if (msg->sadb_msg_errno != 0) {
        fprintf(stderr, "FAIL %s: errno %d diagnostic %d\n", what, msg->sadb_msg_errno, msg->sadb_msg_reserved);
        exit(1);
    }
    check(msg->sadb_msg_type == type, what);
    check(msg->sadb_msg_seq == seq, what);
    return msg;
}

static struct sadb_ext *find_extension(struct sadb_msg *msg, uint16_t type)
{
    uint8_t *at = (uint8_t *)(msg + 1);
    uint8_t *end = (uint8_t *)msg + msg->sadb_msg_len * 8;
    while (at + sizeof(struct sadb_ext) <= end) {
        struct sadb_ext *ext = (struct sadb_ext *)at;
        if (ext->sadb_ext_len == 0)
            return NULL;
        if (ext->sadb_ext_type == type)
            return ext;
        at += ext->sadb_ext_len * 8;
    }
    return NULL;
}

static void check_key(struct sadb_msg *msg, uint16_t type, uint8_t first, int bytes, const char *what)
{
    struct sadb_key *key = (struct sadb_key *)find_extension(msg, type);
    check(key != NULL, what);
    check(key->sadb_key_bits == bytes * 8, what);
    for (int i = 0; i < bytes; i++)
        check(((uint8_t *)(key + 1))[i] == (uint8_t)(first + i), what);
}

static int full(int fd)
{
    uint8_t message[512];
    size_t length;

    length = put_header(message, SADB_ADD, SADB_SATYPE_ESP, 1);
    length += put_sa(message + length);
    length += put_address(message + length, SADB_EXT_ADDRESS_SRC, "192.0.2.1");
    length += put_address(message + length, SADB_EXT_ADDRESS_DST, "192.0.2.2");
    length += put_key(message + length, SADB_EXT_KEY_AUTH, AUTH_KEY_FIRST, AUTH_KEY_BYTES);
    length += put_key(message + length, SADB_EXT_KEY_ENCRYPT, ENC_KEY_FIRST, ENC_KEY_BYTES);
    send_message(fd, message, length, "send ADD");
    struct sadb_msg *msg = receive(fd, SADB_ADD, 1, "ADD reply");
    check(find_extension(msg, SADB_EXT_KEY_ENCRYPT) == NULL, "ADD reply carries no key");
    printf("add errno %d\n", msg->sadb_msg_errno);

    length = put_header(message, SADB_X_SPDADD, SADB_SATYPE_UNSPEC, 2);
    length += put_address(message + length, SADB_EXT_ADDRESS_SRC, "192.0.2.1");
    length += put_address(message + length, SADB_EXT_ADDRESS_DST, "192.0.2.2");
    length += put_policy(message + length);
    send_message(fd, message, length, "send X_SPDADD");
    msg = receive(fd, SADB_X_SPDADD, 2, "X_SPDADD reply");
    struct sadb_x_policy *policy = (struct sadb_x_policy *)find_extension(msg, SADB_X_EXT_POLICY);
    check(policy != NULL, "X_SPDADD reply echoes the policy");
    check(policy->sadb_x_policy_dir == IPSEC_DIR_OUTBOUND, "X_SPDADD reply direction");
    check(policy->sadb_x_policy_type == IPSEC_POLICY_IPSEC, "X_SPDADD reply policy type");
    check(find_extension(msg, SADB_EXT_ADDRESS_DST) != NULL, "X_SPDADD reply echoes the destination");
    printf("spdadd errno %d id %u\n", msg->sadb_msg_errno, policy->sadb_x_policy_id);

    length = put_header(message, SADB_GET, SADB_SATYPE_ESP, 3);
    length += put_sa(message + length);
    length += put_address(message + length, SADB_EXT_ADDRESS_SRC, "192.0.2.1");
    length += put_address(message + length, SADB_EXT_ADDRESS_DST, "192.0.2.2");
    send_message(fd, message, length, "send GET");
    msg = receive(fd, SADB_GET, 3, "GET reply");
    struct sadb_sa *sa = (struct sadb_sa *)find_extension(msg, SADB_EXT_SA);
    check(sa != NULL && ntohl(sa->sadb_sa_spi) == SPI, "GET reply SA");
    check_key(msg, SADB_EXT_KEY_ENCRYPT, ENC_KEY_FIRST, ENC_KEY_BYTES, "GET reply encryption key");
    check_key(msg, SADB_EXT_KEY_AUTH, AUTH_KEY_FIRST, AUTH_KEY_BYTES, "GET reply authentication key");
    printf("get errno %d keys match\n", msg->sadb_msg_errno);

    length = put_header(message, SADB_DUMP, SADB_SATYPE_UNSPEC, 4);
    send_message(fd, message, length, "send DUMP");
    int entries = 0;
    for (;;) {
        ssize_t received = recv(fd, reply, sizeof reply, 0);
        if (received < 0)
            fail("DUMP reply");
        msg = (struct sadb_msg *)reply;
        check(received >= (ssize_t)sizeof *msg && msg->sadb_msg_type == SADB_DUMP, "DUMP reply type");
        check(msg->sadb_msg_errno == 0, "DUMP reply errno");
        entries++;
        if (msg->sadb_msg_seq == 0)
            break;
    }
    printf("dump entries %d last seq 0\n", entries);

    /* Too short for a base header: Linux's send() would fail with EMSGSIZE; the server sends the notice instead. */
    if (send(fd, message, 8, 0) != 8)
        fail("send short packet");
    ssize_t received = recv(fd, reply, sizeof reply, 0);
    msg = (struct sadb_msg *)reply;
    check(received == sizeof *msg && msg->sadb_msg_type == SADB_RESERVED, "short packet notice");
    printf("short packet errno %s\n", msg->sadb_msg_errno == EMSGSIZE ? "EMSGSIZE" : "other");
    return 0;
}

/* A SEQPACKET socket whose receives give up after 10 s, so a missing reply fails instead of hanging. */
static int open_socket(void)
{
    int fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    if (fd < 0)
        fail("socket");
    struct timeval timeout = { .tv_sec = 10 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    return fd;
}

/* For peers the server must not serve: does the connection succeed, and what does a FLUSH get? */
static int probe(const char *path)
{
    int fd = open_socket();
    struct sockaddr_un address = { .sun_family = AF_UNIX };
    strncpy(address.sun_path, path, sizeof address.sun_path - 1);
    if (connect(fd, (struct sockaddr *)&address, sizeof address) != 0) {
        printf("connect %s\n", errno == EACCES ? "EACCES" : strerror(errno));
        return 0;
    }

    uint8_t message[16];
    size_t length = put_header(message, SADB_FLUSH, SADB_SATYPE_UNSPEC, 1);
    ((struct sadb_msg *)message)->sadb_msg_len = (uint16_t)(length / 8);
    send(fd, message, length, MSG_NOSIGNAL); /* May fail with EPIPE once the server has closed: the recv tells. */
    ssize_t received = recv(fd, reply, sizeof reply, 0);
    /* Closed unread data resets the connection instead of ending it: both are the server hanging up. */
    int closed = received == 0 || (received < 0 && errno == ECONNRESET);
    printf("recv %s\n", closed ? "closed" : received > 0 ? "message" : strerror(errno));
    return 0;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc != 3) {
        fprintf(stderr, "usage: %s PATH full|connect\n", argv[0]);
        return 2;
    }

    if (strcmp(argv[2], "connect") == 0)
        return probe(argv[1]);

    int fd = open_socket();
    struct sockaddr_un address = { .sun_family = AF_UNIX };
    strncpy(address.sun_path, argv[1], sizeof address.sun_path - 1);
    if (connect(fd, (struct sockaddr *)&address, sizeof address) != 0)
        fail("connect");
    int result = full(fd);
    close(fd);
    return result;
}
