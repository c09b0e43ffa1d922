using KvReplicator.Credentials;

namespace KvReplicator.Tests.Credentials;

public sealed class StandardErrorExcerptTests
{
    [Fact]
    public void Pem_blocks_are_removed_whole()
    {
        string excerpt = StandardErrorExcerpt.From("before\n-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIIrYSSNQFaA2Hwf1duRSxKtLYX5CB04fSeQ6tF1aY/PuoAoGCCqGSM49\n-----END EC PRIVATE KEY-----\nafter");

        Assert.Equal("before [PEM removed] after", excerpt);
    }

    [Fact]
    public void An_unterminated_pem_block_is_removed_to_the_end()
    {
        string excerpt = StandardErrorExcerpt.From("oops -----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg");

        Assert.Equal("oops [PEM removed]", excerpt);
    }

    [Fact]
    public void Long_base64_runs_such_as_secret_keys_are_removed()
    {
        string excerpt = StandardErrorExcerpt.From("key wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY rejected");

        Assert.Equal("key [removed] rejected", excerpt);
    }

    [Fact]
    public void The_excerpt_is_capped_and_flattened()
    {
        string excerpt = StandardErrorExcerpt.From(string.Concat(Enumerable.Repeat("line of text\r\n\t", 100)));

        Assert.Equal(StandardErrorExcerpt.MaxLength + 1, excerpt.Length);
        Assert.EndsWith("…", excerpt, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', excerpt);
        Assert.DoesNotContain('\t', excerpt);
    }

    [Fact]
    public void Empty_output_says_so()
    {
        Assert.Equal("no standard error output", StandardErrorExcerpt.From("  \n"));
    }
}
