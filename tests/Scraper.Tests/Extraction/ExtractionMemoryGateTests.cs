using Scraper.Extraction;

namespace Scraper.Tests.Extraction;

public sealed class ExtractionMemoryGateTests
{
    [Fact]
    public async Task Pages_are_let_in_while_their_bytes_fit_and_in_order_after()
    {
        var gate = new ExtractionMemoryGate(10);
        var first = await gate.EnterAsync(6, CancellationToken.None);
        var second = await gate.EnterAsync(4, CancellationToken.None);
        var large = gate.EnterAsync(50, CancellationToken.None); // larger than the whole allowance: alone
        var small = gate.EnterAsync(1, CancellationToken.None);  // after it, though it would fit
        Assert.False(large.IsCompleted);
        first.Dispose();
        Assert.False(large.IsCompleted);
        Assert.False(small.IsCompleted);
        second.Dispose();
        var admitted = await large.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(small.IsCompleted);
        admitted.Dispose();
        (await small.WaitAsync(TimeSpan.FromSeconds(30))).Dispose();
    }

    [Fact]
    public async Task A_cancelled_wait_leaves_the_queue_and_lets_the_next_in()
    {
        var gate = new ExtractionMemoryGate(10);
        var held = await gate.EnterAsync(8, CancellationToken.None);
        using var stop = new CancellationTokenSource();
        var blocked = gate.EnterAsync(10, stop.Token);
        var next = gate.EnterAsync(2, CancellationToken.None);
        Assert.False(next.IsCompleted);
        stop.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => blocked);
        (await next.WaitAsync(TimeSpan.FromSeconds(30))).Dispose();
        held.Dispose();
        (await gate.EnterAsync(10, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30))).Dispose();
    }
}
