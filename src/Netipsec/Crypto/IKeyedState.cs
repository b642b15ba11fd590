namespace Netipsec.Crypto;

/// <summary>A transform's per-SA state that holds engine keys (ESP, AH): it can say which engine runs them.</summary>
internal interface IKeyedState
{
    /// <summary>The engine name of the SA's keys; "a+b" when two keys come from different engines.</summary>
    string EngineName { get; }
}
