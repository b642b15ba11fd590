namespace Netipsec.Cli.Setkey;

/// <summary>What one setkey-style invocation does.</summary>
internal enum SetkeyMode
{
    /// <summary>No setkey option: usage error.</summary>
    None,

    /// <summary>-c: statements from standard input.</summary>
    Stdin,

    /// <summary>-f FILE: statements from a file.</summary>
    File,

    /// <summary>-D: dump the SAD (-DP: the SPD).</summary>
    Dump,

    /// <summary>-F: flush the SAD (-FP: the SPD).</summary>
    Flush,

    /// <summary>-x: print every PF_KEY message until interrupted.</summary>
    Monitor,
}
