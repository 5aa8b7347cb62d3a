// files clean: every partial file in the receive folder goes.
using System.CommandLine;
using SecureChat.Cli.Files;

namespace SecureChat.Cli.Commands;

/// <summary>The files subcommands.</summary>
internal sealed class FilesCommand : Command
{
    /// <summary>The files command, writing to <paramref name="console"/>.</summary>
    public FilesCommand(ChatConsole console)
        : base("files", "Received files.")
    {
        ArgumentNullException.ThrowIfNull(console);
        Folder = new Argument<string?>("folder") { Description = "The receive folder (default: the downloads folder's SecureChat).", Arity = ArgumentArity.ZeroOrOne };
        Clean = new Command("clean", "Remove every unfinished (partial) received file from the receive folder.") { Folder };
        Clean.SetAction(result => CommandFailures.Report(console, () =>
        {
            string? path = result.GetValue(Folder) ?? ReceiveFolder.DefaultPath(console.Environment);
            if (path is null || !Directory.Exists(path))
            {
                console.Error.WriteLine($"There is no receive folder {path}; nothing to clean.");
                return;
            }

            int removed = new PartialFiles(new ReceiveFolder(path)).RemoveAll(peer: null);
            console.Error.WriteLine($"Removed {removed} partial file(s) from {path}.");
        }));
        Subcommands.Add(Clean);
    }

    /// <summary>files clean.</summary>
    public Command Clean { get; }

    /// <summary>The folder argument of files clean.</summary>
    public Argument<string?> Folder { get; }
}
