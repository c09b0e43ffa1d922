using System.Text;
using System.Text.Json;
using KvReplicator.TestPlan.Values;

namespace KvReplicator.Tests.Values;

public sealed class SecretValueGeneratorTests
{
    public static TheoryData<SecretValueFormat, int> FormatsAndLengths()
    {
        var data = new TheoryData<SecretValueFormat, int>();
        foreach (SecretValueFormat format in Enum.GetValues<SecretValueFormat>())
        {
            foreach (int length in new[] { 1, 2, 5, 15, 16, 28, 60, 100, 1000, SecretValueGenerator.MaxLength })
            {
                data.Add(format, length);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(FormatsAndLengths))]
    public void A_value_has_the_requested_utf8_length_or_its_formats_minimum(SecretValueFormat format, int length)
    {
        var generator = new SecretValueGenerator(new Random(length));

        GeneratedValue value = generator.Next(format, length);

        Assert.Equal(format, value.Format);
        Assert.Equal(Math.Max(length, SecretValueGenerator.MinimumLength(format)), value.Utf8Length);
        Assert.Equal(value.Utf8Length, Encoding.UTF8.GetByteCount(value.Value.Reveal()));
    }

    [Theory]
    [MemberData(nameof(FormatsAndLengths))]
    public void A_value_is_well_formed_for_its_format(SecretValueFormat format, int length)
    {
        string value = new SecretValueGenerator(new Random(length * 7)).Next(format, length).Value.Reveal();

        switch (format)
        {
            case SecretValueFormat.Json:
                using (JsonDocument.Parse(value))
                {
                }

                break;
            case SecretValueFormat.Pem:
                Assert.StartsWith("-----BEGIN PRIVATE KEY-----\n", value, StringComparison.Ordinal);
                Assert.EndsWith("-----END PRIVATE KEY-----\n", value, StringComparison.Ordinal);
                Assert.All(value.Split('\n'), line => Assert.True(line.Length <= 64));
                break;
            case SecretValueFormat.Unicode:
                Assert.Contains(value, c => c > 127);
                break;
            default:
                Assert.All(value, c => Assert.InRange(c, ' ', '~'));
                break;
        }
    }

    [Fact]
    public void Random_values_cover_every_format_and_lengths_from_one_byte_to_25_kb()
    {
        var generator = new SecretValueGenerator(new Random(42));

        GeneratedValue[] values = [.. Enumerable.Range(0, 400).Select(_ => generator.Next())];

        Assert.Equal(Enum.GetValues<SecretValueFormat>().Order(), values.Select(v => v.Format).Distinct().Order());
        Assert.All(values, v => Assert.InRange(v.Utf8Length, 1, SecretValueGenerator.MaxLength));
        Assert.Contains(values, v => v.Utf8Length < 16);
        Assert.Contains(values, v => v.Utf8Length > 10 * 1024);
    }

    [Fact]
    public void The_same_seed_gives_the_same_values()
    {
        var a = new SecretValueGenerator(new Random(7));
        var b = new SecretValueGenerator(new Random(7));

        for (int i = 0; i < 20; i++)
        {
            Assert.Equal(a.Next().Value, b.Next().Value);
        }
    }

    [Fact]
    public void A_generated_value_renders_redacted()
    {
        GeneratedValue value = new SecretValueGenerator(new Random(1)).Next(SecretValueFormat.Text, 40);

        Assert.DoesNotContain(value.Value.Reveal(), value.ToString(), StringComparison.Ordinal);
        Assert.Contains("[redacted]", value.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(SecretValueGenerator.MaxLength + 1)]
    public void Lengths_outside_key_vaults_limits_are_refused(int length)
    {
        var generator = new SecretValueGenerator(new Random(1));

        Assert.Throws<ArgumentOutOfRangeException>(() => generator.Next(SecretValueFormat.Text, length));
    }
}
