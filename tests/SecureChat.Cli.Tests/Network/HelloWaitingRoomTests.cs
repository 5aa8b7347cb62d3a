using SecureChat.Cli.Network;

namespace SecureChat.Cli.Tests.Network;

public sealed class HelloWaitingRoomTests
{
    [Fact]
    public void Enter_RoomFull_TheLongestWaitingMakesRoomAndNobodyElse()
    {
        var room = new HelloWaitingRoom(3);
        using HelloWaitingRoom.Seat first = room.Enter();
        using HelloWaitingRoom.Seat second = room.Enter();
        using HelloWaitingRoom.Seat third = room.Enter();

        using HelloWaitingRoom.Seat fourth = room.Enter();

        first.WasEvicted.Should().BeTrue();
        new[] { second, third, fourth }.Should().OnlyContain(s => !s.WasEvicted);
        room.Count.Should().Be(3);
    }

    [Fact]
    public void Leave_FreesTheSeat_SoTheNextCallerEvictsNobody()
    {
        var room = new HelloWaitingRoom(2);
        using HelloWaitingRoom.Seat first = room.Enter();
        HelloWaitingRoom.Seat second = room.Enter();
        second.Dispose();

        using HelloWaitingRoom.Seat third = room.Enter();

        first.WasEvicted.Should().BeFalse();
        room.Count.Should().Be(2);
    }

    [Fact]
    public void Evicted_LeavesInsideItsOwnCancellation_WithoutError()
    {
        var room = new HelloWaitingRoom(1);
        HelloWaitingRoom.Seat first = room.Enter();
        bool left = false;
        using CancellationTokenRegistration registration = first.MadeRoom.Register(() =>
        {
            first.Dispose(); // what a caller's read loop does when its wait is cancelled inline
            left = true;
        });

        using HelloWaitingRoom.Seat second = room.Enter();

        left.Should().BeTrue();
        room.Count.Should().Be(1);
        first.Dispose(); // a second leave is harmless
    }

    [Fact]
    public async Task ManyCallersAtOnce_NeverMoreThanCapacityWait()
    {
        var room = new HelloWaitingRoom(8);
        int evicted = 0;
        await Parallel.ForAsync(0, 2000, async (_, _) =>
        {
            using HelloWaitingRoom.Seat seat = room.Enter();
            room.Count.Should().BeLessThanOrEqualTo(8);
            await Task.Yield();
            if (seat.WasEvicted)
            {
                Interlocked.Increment(ref evicted);
            }
        });

        room.Count.Should().Be(0);
    }
}
