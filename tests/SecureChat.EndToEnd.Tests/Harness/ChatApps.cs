// Where the built User1.dll and User2.dll are. The csproj records the path of each app the build produced
// in an AssemblyMetadata attribute (right for any configuration and for --artifacts-path); if that is
// missing or stale, the usual bin/<Configuration>/net10.0 folder of a clone is tried.
// SECURECHAT_E2E_APPS points the tests at published apps instead (issue 19: the README's build-once
// path, NativeAOT or ReadyToRun, must pass the same tests): <folder>/User1/User1 and <folder>/User2/User2,
// each started directly rather than through dotnet.
using System.Diagnostics;
using System.Reflection;

namespace SecureChat.EndToEnd.Tests.Harness;

/// <summary>The two apps under test.</summary>
public enum ChatApp
{
    /// <summary>The listener.</summary>
    User1,

    /// <summary>The connector.</summary>
    User2,
}

/// <summary>Finds the built apps.</summary>
public static class ChatApps
{
    private static readonly Assembly TestAssembly = typeof(ChatApps).Assembly;

    /// <summary>The folder of published apps the tests run instead of the built ones, if set.</summary>
    public static string? PublishedFolder =>
        Environment.GetEnvironmentVariable("SECURECHAT_E2E_APPS") is { Length: > 0 } folder ? folder : null;

    /// <summary>
    /// How to start <paramref name="app"/>: <c>dotnet UserN.dll</c>, or the published executable under
    /// <see cref="PublishedFolder"/>. The caller adds the app's own arguments.
    /// </summary>
    /// <exception cref="FileNotFoundException">The app was not built (or not published there).</exception>
    public static ProcessStartInfo StartInfo(ChatApp app)
    {
        if (PublishedFolder is { } folder)
        {
            string executable = Path.Combine(folder, app.ToString(), app.ToString());
            return File.Exists(executable)
                ? new ProcessStartInfo(executable)
                : throw new FileNotFoundException($"SECURECHAT_E2E_APPS is set, but {executable} does not exist. Publish the app there first.");
        }

        var info = new ProcessStartInfo(DotnetHost);
        info.ArgumentList.Add(DllPath(app));
        return info;
    }

    /// <summary>The full path of the app's dll, to run with <c>dotnet</c>.</summary>
    /// <exception cref="FileNotFoundException">The app was not built.</exception>
    public static string DllPath(ChatApp app)
    {
        string name = app.ToString();
        var tried = new List<string>();

        string? recorded = TestAssembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == $"ChatApp:{name}")?.Value;
        if (!string.IsNullOrEmpty(recorded))
        {
            if (File.Exists(recorded))
            {
                return recorded;
            }

            tried.Add(recorded);
        }

        string configuration = TestAssembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SecureChat.sln")))
            {
                string candidate = Path.Combine(dir.FullName, "src", name, "bin", configuration, "net10.0", $"{name}.dll");
                if (File.Exists(candidate))
                {
                    return candidate;
                }

                tried.Add(candidate);
                break;
            }
        }

        throw new FileNotFoundException($"{name}.dll was not found (tried: {string.Join(", ", tried)}). Build the solution first.");
    }

    /// <summary>The dotnet host that runs the tests (so the apps run on the same runtime).</summary>
    public static string DotnetHost =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
}
