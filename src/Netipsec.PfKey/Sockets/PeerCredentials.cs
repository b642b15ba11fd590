using System.Net.Sockets;
using Netipsec.PfKey.Wire;

namespace Netipsec.PfKey.Sockets;

/// <summary>
/// Who is at the other end of a Unix-domain connection, as the kernel recorded it when the peer connected
/// (<c>SO_PEERCRED</c>, <c>struct ucred</c>); the peer cannot forge it.
/// </summary>
/// <param name="ProcessId">The peer's process id at connect time.</param>
/// <param name="UserId">The peer's effective user id.</param>
/// <param name="GroupId">The peer's effective group id.</param>
public readonly record struct PeerCredentials(int ProcessId, uint UserId, uint GroupId)
{
    private const int SolSocket = 1;
    private const int SoPeerCred = 17;
    private const int UcredLength = 12;

    /// <summary>Reads the credentials of <paramref name="socket"/>'s peer; false when the kernel gave none.</summary>
    internal static bool TryRead(Socket socket, out PeerCredentials credentials)
    {
        credentials = default;
        Span<byte> ucred = stackalloc byte[UcredLength];
        try
        {
            if (socket.GetRawSocketOption(SolSocket, SoPeerCred, ucred) != UcredLength)
            {
                return false;
            }
        }
        catch (SocketException)
        {
            return false;
        }

        // struct ucred { pid_t pid; uid_t uid; gid_t gid; }, in host order like PF_KEY's own fields.
        credentials = new PeerCredentials((int)HostOrder.ReadUInt32(ucred), HostOrder.ReadUInt32(ucred[4..]), HostOrder.ReadUInt32(ucred[8..]));
        return true;
    }
}
