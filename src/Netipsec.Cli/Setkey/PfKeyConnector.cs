using Netipsec.PfKey.Channels;

namespace Netipsec.Cli.Setkey;

/// <summary>
/// Opens a PF_KEY conversation with netipsecd at <paramref name="socketPath"/>. Throws <see cref="IOException"/>
/// (or <see cref="System.Net.Sockets.SocketException"/>, <see cref="UnauthorizedAccessException"/>) when it cannot;
/// the setkey modes report that as "cannot connect" with exit code 2. Tests pass one returning an in-process channel.
/// </summary>
internal delegate IPfKeyChannel PfKeyConnector(string socketPath);
