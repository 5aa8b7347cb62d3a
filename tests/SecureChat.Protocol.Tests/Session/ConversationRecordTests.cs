using SecureChat.Protocol.Session;

namespace SecureChat.Protocol.Tests.Session;

/// <summary>The conversation as the one record of what the peer may not have (issue 16 item 2).</summary>
public sealed class ConversationRecordTests
{
    [Fact]
    public void Undelivered_UnconfirmedThenNeverSent_InTheOrderGiven()
    {
        var conversation = new Conversation();
        conversation.Add("one", 0);
        conversation.Add("two", 0);
        conversation.KeepUnsent("typed as it dropped");
        conversation.KeepUnsent("too long…", resend: false);

        conversation.Confirm(1);

        conversation.Undelivered().Should().Equal("two", "typed as it dropped", "too long…");
        conversation.UnconfirmedCount.Should().Be(1);
        conversation.Unsent.Should().Equal("typed as it dropped", "too long…");
    }

    [Fact]
    public void TakeResendable_TakesOnlyWhatIsToBeSentAgain()
    {
        var conversation = new Conversation();
        conversation.KeepUnsent("first");
        conversation.KeepUnsent("refused", resend: false);
        conversation.KeepUnsent("second");

        conversation.TakeResendable().Should().Equal("first", "second");

        conversation.TakeResendable().Should().BeEmpty();
        conversation.Unsent.Should().Equal("refused");
    }

    [Fact]
    public void Confirm_ReturnsTheTextsItConfirmedOnce()
    {
        var conversation = new Conversation();
        conversation.Add("one", 0);
        conversation.Add("two", 0);
        conversation.Add("three", 0);

        conversation.Confirm(2).Select(p => p.Text).Should().Equal("one", "two");
        conversation.Confirm(2).Should().BeEmpty();
        conversation.Confirm(3).Select(p => p.Text).Should().Equal("three");
    }
}
