using MaaS.Storage.Abstractions;

namespace MaaS.Storage.Sqlite;

/// <summary>One journaled mutation: what <see cref="SqliteMutations"/> must re-apply on replay.</summary>
internal abstract record JournalRecord(string Tenant)
{
    private const byte AppendTag = 1, EraseTag = 2, UpsertTag = 3;

    public sealed record Append(string Tenant, IReadOnlyList<InteractionEvent> Events) : JournalRecord(Tenant);

    public sealed record Erase(string Tenant, string UserId) : JournalRecord(Tenant);

    public sealed record Upsert(string Tenant, IReadOnlyList<CatalogItem> Items, long UpdatedAtMs) : JournalRecord(Tenant);

    public byte[] Encode()
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream))
        {
            switch (this)
            {
                case Append a:
                    w.Write(AppendTag);
                    w.Write(a.Tenant);
                    w.Write(a.Events.Count);
                    foreach (var e in a.Events)
                    {
                        w.Write(e.EventId);
                        w.Write(e.UserId);
                        w.Write(e.ItemId);
                        w.Write(e.Type);
                        w.Write(e.Value);
                        w.Write(e.Timestamp.ToUnixTimeMilliseconds());
                    }
                    break;
                case Erase e:
                    w.Write(EraseTag);
                    w.Write(e.Tenant);
                    w.Write(e.UserId);
                    break;
                case Upsert u:
                    w.Write(UpsertTag);
                    w.Write(u.Tenant);
                    w.Write(u.UpdatedAtMs);
                    w.Write(u.Items.Count);
                    foreach (var item in u.Items)
                    {
                        w.Write(item.ItemId);
                        w.Write((int)item.Kind);
                        w.Write(item.Title);
                        WriteList(w, item.Genres);
                        WriteList(w, item.Tags);
                        w.Write(item.Text is not null);
                        if (item.Text is not null) w.Write(item.Text);
                        w.Write(item.AvailableFrom?.DayNumber ?? -1);
                        w.Write(item.AvailableUntil?.DayNumber ?? -1);
                    }
                    break;
                default:
                    throw new InvalidOperationException("unknown journal record");
            }
        }
        return stream.ToArray();
    }

    public static JournalRecord Decode(byte[] payload)
    {
        using var r = new BinaryReader(new MemoryStream(payload));
        var tag = r.ReadByte();
        var tenant = r.ReadString();
        switch (tag)
        {
            case AppendTag:
            {
                var events = new InteractionEvent[r.ReadInt32()];
                for (var i = 0; i < events.Length; i++)
                {
                    events[i] = new InteractionEvent(r.ReadString(), r.ReadString(), r.ReadString(), r.ReadString(), r.ReadSingle(),
                        DateTimeOffset.FromUnixTimeMilliseconds(r.ReadInt64()));
                }
                return new Append(tenant, events);
            }
            case EraseTag:
                return new Erase(tenant, r.ReadString());
            case UpsertTag:
            {
                var updatedAt = r.ReadInt64();
                var items = new CatalogItem[r.ReadInt32()];
                for (var i = 0; i < items.Length; i++)
                {
                    var id = r.ReadString();
                    var kind = (ItemKind)r.ReadInt32();
                    var title = r.ReadString();
                    var genres = ReadList(r);
                    var tags = ReadList(r);
                    var text = r.ReadBoolean() ? r.ReadString() : null;
                    var from = r.ReadInt32();
                    var until = r.ReadInt32();
                    items[i] = new CatalogItem(id, kind, title, genres, tags, text,
                        from < 0 ? null : DateOnly.FromDayNumber(from), until < 0 ? null : DateOnly.FromDayNumber(until));
                }
                return new Upsert(tenant, items, updatedAt);
            }
            default:
                throw new InvalidDataException($"Unknown journal record tag {tag}.");
        }
    }

    private static void WriteList(BinaryWriter w, IReadOnlyList<string> list)
    {
        w.Write(list.Count);
        foreach (var s in list) w.Write(s);
    }

    private static string[] ReadList(BinaryReader r)
    {
        var list = new string[r.ReadInt32()];
        for (var i = 0; i < list.Length; i++) list[i] = r.ReadString();
        return list;
    }
}
