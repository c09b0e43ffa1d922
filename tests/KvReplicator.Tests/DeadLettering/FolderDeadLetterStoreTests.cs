using KvReplicator.DeadLettering;

namespace KvReplicator.Tests.DeadLettering;

public sealed class FolderDeadLetterStoreTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"kvrep-test-deadletters-{Guid.NewGuid():N}");

    public FolderDeadLetterStoreTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "SUB", "2026", "11"));
        Directory.CreateDirectory(Path.Combine(_root, "replayed"));
        File.WriteAllText(Path.Combine(_root, "SUB", "2026", "11", "b.json"), "[]");
        File.WriteAllText(Path.Combine(_root, "a.json"), "[]");
        File.WriteAllText(Path.Combine(_root, "notes.txt"), "not a dead letter");
        File.WriteAllText(Path.Combine(_root, "replayed", "old.json"), "[]");
    }

    [Fact]
    public async Task Lists_json_files_recursively_in_order_and_skips_replayed_ones()
    {
        var store = new FolderDeadLetterStore(_root);

        Assert.Equal(["SUB/2026/11/b.json", "a.json"], await store.ListAsync().ToArrayAsync());
    }

    [Fact]
    public async Task A_replayed_dead_letter_moves_under_replayed_keeping_its_path_and_a_second_move_is_harmless()
    {
        var store = new FolderDeadLetterStore(_root);

        await store.MarkReplayedAsync("SUB/2026/11/b.json");
        await store.MarkReplayedAsync("SUB/2026/11/b.json");

        Assert.True(File.Exists(Path.Combine(_root, "replayed", "SUB", "2026", "11", "b.json")));
        Assert.Equal(["a.json"], await store.ListAsync().ToArrayAsync());
    }

    [Fact]
    public async Task Delete_removes_the_file()
    {
        var store = new FolderDeadLetterStore(_root);

        await store.DeleteAsync("a.json");

        Assert.False(File.Exists(Path.Combine(_root, "a.json")));
    }

    [Fact]
    public async Task Names_that_leave_the_folder_are_refused()
    {
        var store = new FolderDeadLetterStore(_root);

        await Assert.ThrowsAsync<ArgumentException>(() => store.ReadAsync("../outside.json"));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
