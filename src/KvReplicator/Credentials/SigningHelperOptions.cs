using System.ComponentModel.DataAnnotations;

namespace KvReplicator.Credentials;

/// <summary>
/// How to run AWS's <c>aws_signing_helper</c> (<c>KvReplicator:Credentials:SigningHelper</c>). The
/// identity it signs for comes from <see cref="RolesAnywhereOptions"/>.
/// </summary>
internal sealed class SigningHelperOptions
{
    /// <summary>Path of the binary. Default <c>aws_signing_helper</c>, looked up on PATH.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "SigningHelper:Path is required")]
    public string Path { get; set; } = "aws_signing_helper";

    /// <summary>How long one run may take before it is killed with its children. Default 30 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00", ErrorMessage = "SigningHelper:Timeout must be between 00:00:01 and 00:05:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}
