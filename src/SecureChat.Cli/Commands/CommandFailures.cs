namespace SecureChat.Cli.Commands;

/// <summary>Runs a subcommand's work and reports its failure as Failures classifies it: one sentence on stderr, the exit code.</summary>
internal static class CommandFailures
{
    /// <summary>Runs <paramref name="work"/>; 0 when it completes, else the classified failure's code after its sentence.</summary>
    public static int Report(ChatConsole console, Action work)
    {
        try
        {
            work();
            return Failures.Success;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // On a local command an I/O failure is a file that cannot be used, not a lost connection.
            return Show(console, Failures.Classify(new ConfigurationException(e.Message, e)));
        }
        catch (Exception e)
        {
            return Show(console, Failures.Classify(e));
        }
    }

    private static int Show(ChatConsole console, Failure failure)
    {
        console.Error.WriteLine(failure.Sentence);
        return failure.ExitCode;
    }
}
