// The same executable re-invoked with a hidden command: the worker per variant, and the idle holder.
// Children talk to their parent in lines on stdin and stdout; their stderr is the parent's, so a
// failure's details reach the terminal.
using System.Diagnostics;

namespace SecureChat.Benchmarks.Workers;

/// <summary>Starts this benchmark program again as a child process.</summary>
internal static class ChildProcess
{
    /// <summary>
    /// Starts the program with <paramref name="arguments"/> and the parent's environment changed by
    /// <paramref name="environment"/> (a null value removes a variable).
    /// </summary>
    public static Process Start(IEnumerable<string> arguments, IReadOnlyDictionary<string, string?> environment)
    {
        string host = Environment.ProcessPath ?? throw new InvalidOperationException("The path of this program is unknown.");
        var start = new ProcessStartInfo(host)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        };

        // Run as "dotnet SecureChat.Benchmarks.dll" the host is dotnet itself, which needs the assembly.
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            start.ArgumentList.Add(typeof(ChildProcess).Assembly.Location);
        }

        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach ((string name, string? value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        return Process.Start(start) ?? throw new InvalidOperationException("The child process did not start.");
    }

    /// <summary>The child's next line on stdout, within <paramref name="timeout"/>.</summary>
    /// <exception cref="EndOfStreamException">The child closed its output (it probably failed; see stderr).</exception>
    public static async Task<string> ReadLineAsync(Process child, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            return await child.StandardOutput.ReadLineAsync(deadline.Token).ConfigureAwait(false)
                ?? throw new EndOfStreamException($"Child process {child.Id} ended without answering.");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Child process {child.Id} did not answer within {timeout.TotalSeconds:0} s.");
        }
    }

    /// <summary>Closes the child's stdin (its signal to finish) and waits; kills it if it does not end in time.</summary>
    public static async Task StopAsync(Process child, TimeSpan patience)
    {
        try
        {
            child.StandardInput.Close();
            await child.WaitForExitAsync().WaitAsync(patience).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or IOException)
        {
            child.Kill(entireProcessTree: true);
            await child.WaitForExitAsync().ConfigureAwait(false);
        }
    }
}
