using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;

namespace SecureChat.Cli.Commands;

/// <summary>--version: the program's name and its version, so that a bug report says which app it came from.</summary>
internal sealed class ProgramVersionAction(string programName) : SynchronousCommandLineAction
{
    /// <inheritdoc/>
    public override int Invoke(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        string version = typeof(ProgramVersionAction).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        parseResult.InvocationConfiguration.Output.WriteLine($"{programName} {version}");
        return Failures.Success;
    }
}
