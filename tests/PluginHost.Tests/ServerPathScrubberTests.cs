using PluginHost.Http;

namespace PluginHost.Tests;

public sealed class ServerPathScrubberTests
{
    [Theory]
    [InlineData("FileNotFoundException: Could not find file '/srv/data/models/ner/7/v3/model.zip'.", "FileNotFoundException: Could not find file '…/model.zip'.")]
    [InlineData("the path escapes LOCAL_FILES_DOCUMENT_ROOT (/home/ls/files)", "the path escapes LOCAL_FILES_DOCUMENT_ROOT (…/files)")]
    [InlineData(@"Access to C:\Users\me\models\a.bin denied", "Access to …/a.bin denied")]
    [InlineData("Cannot read task data 'http://ls:8080/data/upload/7/cat.png': HTTP 404", "Cannot read task data 'http://ls:8080/data/upload/7/cat.png': HTTP 404")]
    [InlineData("s3://bucket/a/b.png and /data/upload/7/x.png", "s3://bucket/a/b.png and /data/upload/7/x.png")]
    [InlineData("MODEL_DIR /var/lib/pluginhost/models is not writable", "MODEL_DIR …/models is not writable")]
    [InlineData("no paths here: 3/4 done", "no paths here: 3/4 done")]
    public void Absolute_paths_are_cut_to_their_last_segment_and_urls_are_kept(string detail, string expected) =>
        Assert.Equal(expected, ServerPathScrubber.Scrub(detail));
}
