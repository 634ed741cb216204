using Microsoft.Extensions.Hosting;

namespace MaaS.Services.Search;

/// <summary>
/// Keeps every loaded tenant's item embeddings in step with its catalogue: each poll kicks <see cref="ItemEmbeddings"/>,
/// which does nothing unless the snapshot's sequence or the model version moved since its last run. The snapshots come
/// from the change feed, so a replica embeds items written on another replica too. Each poll also starts rebuilding the
/// search index of a tenant that has searched once its catalogue or embeddings moved, so the next search finds it built,
/// and checks its suggest view against the serving recommendation index (<see cref="Suggest.SuggestIndexes.Refresh"/>).
/// </summary>
internal sealed class SearchEmbeddingFollower(
    TenantStates tenants, ItemEmbeddings embeddings, SearchIndexes indexes, Suggest.SuggestIndexes suggest, IOptions<SearchOptions> options, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var period = TimeSpan.FromSeconds(Math.Max(0.05, options.Value.EmbeddingPollSeconds));
        using var timer = new PeriodicTimer(period, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                foreach (var state in tenants.All)
                {
                    embeddings.Kick(state);
                    indexes.Refresh(state, embeddings.CurrentVersion);
                    suggest.Refresh(state);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown, also a start that failed (a port in use): the host must not log the stop as an error.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        // The runs it kicked stop too, and the host waits for them (up to its shutdown timeout) rather than disposing
        // the models and the store beneath them.
        await embeddings.StopAsync(cancellationToken).ConfigureAwait(false);
    }
}
