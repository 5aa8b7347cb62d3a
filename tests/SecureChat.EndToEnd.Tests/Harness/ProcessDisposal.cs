// How every app a test started ends: the harness's processes (ChatProcess, TerminalProcess, the soak's)
// are killed with their children (script(1) and tee under a terminal, dotnet under its host), so that no
// app outlives the test that started it, whatever the test's outcome.
using System.Diagnostics;

namespace SecureChat.EndToEnd.Tests.Harness;

/// <summary>Ending a process a test started, with everything it started.</summary>
internal static class ProcessDisposal
{
    /// <summary>
    /// Kills <paramref name="process"/> and its children if it is still running, then waits up to
    /// <paramref name="waitForExit"/> (if given) for it to be gone. Harmless if it exited or never started.
    /// </summary>
    public static void KillTree(this Process process, TimeSpan? waitForExit = null)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                if (waitForExit is { } wait)
                {
                    process.WaitForExit(wait);
                }
            }
        }
        catch (InvalidOperationException)
        {
            // Never started, or exited and reaped meanwhile.
        }
    }

    /// <summary>Kills <paramref name="process"/> and its children if still running (see <see cref="KillTree"/>), then releases it.</summary>
    public static void KillTreeAndDispose(this Process process, TimeSpan? waitForExit = null)
    {
        process.KillTree(waitForExit);
        process.Dispose();
    }
}
