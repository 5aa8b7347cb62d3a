using Microsoft.Extensions.Logging.Abstractions;
using SecureChat.Cli.Chat;
using SecureChat.Cli.Files;
using SecureChat.Protocol.Session;

namespace SecureChat.Cli.Tests.Chat;

/// <summary>Issue 17 items 1 and 2: what is typed while no conversation runs acts at once or waits visibly.</summary>
public sealed class IdleInputTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Quit_WhileNotConnected_AsksToLeaveAtOnce_Issue17()
    {
        var driver = new ChatDriver();
        using var idle = new IdleInput(driver, driver, IdleActivity.Listening);
        idle.Start();

        driver.Command("/quit");

        await WaitForQuitAsync(idle);
        idle.QuitAsked.Should().BeTrue();
    }

    [Fact]
    public async Task Line_WithAConversationKeptForItsPeer_IsQueuedInItVisibly_Issue17()
    {
        var driver = new ChatDriver();
        using ChatState kept = NewState();
        using var idle = new IdleInput(driver, driver, IdleActivity.Listening) { Target = () => new QueueTarget(kept, "Bob") };
        idle.Start();

        driver.Type("for Bob when he is back");

        LineQueued queued = await driver.WaitForAsync<LineQueued>();
        queued.Should().Be(new LineQueued("for Bob when he is back", "Bob", QueuedUntil.PeerReturns));
        kept.Conversation.TakeResendable().Should().Equal("for Bob when he is back"); // the next session sends it first
    }

    [Fact]
    public async Task Line_WithNoConversationKept_IsRefusedWithTheReason_Issue17()
    {
        var driver = new ChatDriver();
        using var idle = new IdleInput(driver, driver, IdleActivity.Listening);
        idle.Start();

        driver.Type("hello, anyone?");

        (await driver.WaitForAsync<LineNotQueued>()).Text.Should().Be("hello, anyone?");
    }

    [Fact]
    public async Task Commands_WhileNotConnected_AnswerAtOnce_Issue17()
    {
        var driver = new ChatDriver();
        using ChatState kept = NewState();
        kept.Conversation.KeepUnsent("waiting already");
        using var idle = new IdleInput(driver, driver, IdleActivity.Reconnecting) { Target = () => new QueueTarget(kept, "Alice") };
        idle.Start();

        driver.Command("/help");
        driver.Command("/status");
        driver.Command("/send notes.txt");

        await driver.WaitForAsync<HelpAsked>();
        (await driver.WaitForAsync<IdleStatus>()).Should().Be(new IdleStatus(IdleActivity.Reconnecting, 1));
        (await driver.WaitForAsync<CommandNeedsPeer>()).Typed.Should().Be("/send");
    }

    [Fact]
    public async Task Hold_StopsReading_SoTheHolderGetsTheNextLine()
    {
        var driver = new ChatDriver();
        using var idle = new IdleInput(driver, driver, IdleActivity.Listening);
        idle.Start();

        using (await idle.HoldAsync().WaitAsync(Deadline))
        {
            driver.Type("the answer to a question");
            ChatInput? read = await driver.ReadAsync(CancellationToken.None).WaitAsync(Deadline);
            read.Should().Be(new TextInput("the answer to a question"));
        }

        driver.Type("after the hold");
        await driver.WaitForAsync<LineNotQueued>(e => e.Text == "after the hold");
        driver.Events.OfType<LineNotQueued>().Should().ContainSingle("the held line went to the holder only");
    }

    private static async Task WaitForQuitAsync(IdleInput idle)
    {
        var quit = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using CancellationTokenRegistration registration = idle.QuitToken.Register(() => quit.TrySetResult());
        await quit.Task.WaitAsync(Deadline);
    }

#pragma warning disable CA2000 // owned by the returned state
    private static ChatState NewState() =>
        new(new Conversation(), new FileTransfers(new EventLog(), new FilePolicy(null, ByteSize.DefaultMaxFileSize), NullLogger.Instance, TimeProvider.System));
#pragma warning restore CA2000
}
