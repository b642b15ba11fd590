namespace Netipsec.PfKey.Tests.Wire;

/// <summary>A fact that needs a C compiler (<c>cc</c> on the PATH); skipped, saying so, on machines without one.</summary>
internal sealed class FactWhenCCompilerAttribute : FactAttribute
{
    public FactWhenCCompilerAttribute()
    {
        if (CCompiler.Path is null)
        {
            Skip = "No C compiler: 'cc' is not on the PATH, so the C layout check cannot run.";
        }
    }
}
