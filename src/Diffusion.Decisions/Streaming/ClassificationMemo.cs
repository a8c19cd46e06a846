using System.Collections.Concurrent;
using Diffusion.Classification.V1;

namespace Diffusion.Decisions.Streaming;

/// <summary>
/// The classifications already answered within one order book (one DecideStream call). Classification is a pure
/// function of the items, the rule set and the as-of day, and an order book repeats the same few parts thousands of
/// times, so each distinct set of lines is classified once per stream: concurrent orders with the same lines share one
/// call. A failed call is not kept (the next order asks again). At most <see cref="Capacity"/> answers are kept, so
/// a stream's memory stays bounded; beyond that, orders are classified by a call each.
/// </summary>
internal sealed class ClassificationMemo
{
    /// <summary>The most distinct sets of lines one stream remembers (an answer is a few kilobytes).</summary>
    public const int Capacity = 4096;

    private readonly ConcurrentDictionary<string, Task<ClassifyBatchResponse>> answers = new(StringComparer.Ordinal);

    /// <summary>The answer remembered for <paramref name="key"/>, or <paramref name="call"/>'s, remembered if it succeeds.</summary>
    public async Task<ClassifyBatchResponse> GetOrCallAsync(string key, Func<Task<ClassifyBatchResponse>> call)
    {
        if (answers.TryGetValue(key, out var known))
        {
            return await known.ConfigureAwait(false);
        }

        if (answers.Count >= Capacity)
        {
            return await call().ConfigureAwait(false);
        }

        var mine = new TaskCompletionSource<ClassifyBatchResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        var shared = answers.GetOrAdd(key, mine.Task);
        if (shared != mine.Task)
        {
            return await shared.ConfigureAwait(false);
        }

        try
        {
            var answer = await call().ConfigureAwait(false);
            mine.SetResult(answer);
            return answer;
        }
        catch (Exception e)
        {
            // Not remembered: the orders waiting on this call get its failure, later ones call again.
            answers.TryRemove(new KeyValuePair<string, Task<ClassifyBatchResponse>>(key, mine.Task));
            mine.SetException(e);
            throw;
        }
    }
}
