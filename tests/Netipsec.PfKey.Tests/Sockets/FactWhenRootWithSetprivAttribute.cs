using Netipsec.PfKey.Tests.Wire;

namespace Netipsec.PfKey.Tests.Sockets;

/// <summary>
/// A fact that runs a compiled C program as another user: it needs a C compiler, root and <c>setpriv</c>; skipped,
/// saying which is missing, otherwise.
/// </summary>
internal sealed class FactWhenRootWithSetprivAttribute : FactAttribute
{
    public FactWhenRootWithSetprivAttribute()
    {
        if (CCompiler.Path is null)
        {
            Skip = "No C compiler: 'cc' is not on the PATH.";
        }
        else if (SocketServerFixture.OwnUserId != 0)
        {
            Skip = "Not root: a process of another user id cannot be started.";
        }
        else if (CCompiler.Find("setpriv") is null)
        {
            Skip = "No 'setpriv' on the PATH (util-linux) to run the client as another user.";
        }
    }
}
