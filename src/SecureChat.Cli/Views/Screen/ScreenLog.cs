// The logs while the full screen is up (-v): a console logger writing to stderr would draw over the screen,
// so each log line goes into the conversation instead, as a dim "log" line, through the UI thread like
// every other line. Once the screen has closed, lines go to the writer given (stderr), as in the line view.
// Logs hold sizes, endpoints and fingerprints, never keys or message text (Logging/Log.cs), so showing them
// in the pane shows nothing a log file would not.
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace SecureChat.Cli.Views.Screen;

/// <summary>Logs into the screen's message pane.</summary>
public sealed class ScreenLog : ILoggerProvider
{
    private readonly ScreenView _view;
    private readonly TextWriter _afterwards;
    private readonly TimeProvider _time;

    /// <summary>Logs shown on <paramref name="view"/>; <paramref name="afterwards"/> takes them once it closed.</summary>
    public ScreenLog(ScreenView view, TextWriter afterwards, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(afterwards);
        _view = view;
        _afterwards = afterwards;
        _time = time ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new PaneLogger(this);

    /// <inheritdoc />
    public void Dispose()
    {
    }

    /// <summary>The line shown for one log entry: time, level, message, and the exception's own message if any.</summary>
    internal static string Format(DateTimeOffset at, LogLevel level, string message, Exception? exception) =>
        string.Create(CultureInfo.InvariantCulture, $"{at.ToLocalTime():HH:mm:ss} {Level(level)}: {message}")
        + (exception is null ? string.Empty : $" ({exception.GetType().Name}: {exception.Message})");

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        _ => "crit",
    };

    private void Write(string line)
    {
        if (!_view.ShowLog(line))
        {
            lock (_afterwards)
            {
                _afterwards.WriteLine(line);
            }
        }
    }

    private sealed class PaneLogger(ScreenLog owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            ArgumentNullException.ThrowIfNull(formatter);
            if (IsEnabled(logLevel))
            {
                owner.Write(Format(owner._time.GetLocalNow(), logLevel, formatter(state, exception), exception));
            }
        }
    }
}
