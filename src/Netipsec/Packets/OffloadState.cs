namespace Netipsec.Packets;

/// <summary>Where a packet stands with a crypto offload device (Linux's xfrm_offload flags, reduced to what is used).</summary>
public enum OffloadState : byte
{
    /// <summary>No device is involved: transforms run in software.</summary>
    None = 0,

    /// <summary>The packet was handed to a device and its transform has not completed yet.</summary>
    Pending = 1,

    /// <summary>The device has applied the transform (on input: decrypted and verified), so software must not repeat it.</summary>
    Done = 2,
}
