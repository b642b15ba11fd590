using Netipsec.Packets;

namespace Netipsec.Policies;

/// <summary>The hash key of a <see cref="PrefixTable"/>: destination and source, each masked to the table's prefix length.</summary>
internal readonly struct AddressPairKey(IpAddress destination, IpAddress source) : IEquatable<AddressPairKey>
{
    public IpAddress Destination { get; } = destination;

    public IpAddress Source { get; } = source;

    public bool Equals(AddressPairKey other) => Destination.Equals(other.Destination) && Source.Equals(other.Source);

    public override bool Equals(object? obj) => obj is AddressPairKey other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Destination, Source);
}
