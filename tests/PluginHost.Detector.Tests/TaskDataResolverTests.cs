using System.Net;
using System.Text;
using PluginHost.Detector.Tests.Support;
using PluginHost.Sdk.Data;
using PluginHost.Sdk.Protocol;
using PluginHost.Tests.Shared;
using Xunit;

namespace PluginHost.Detector.Tests;

public sealed class TaskDataResolverTests : IAsyncLifetime
{
    private static readonly ProjectRef Project = ProjectRef.FromString("7.1710967805");
    private readonly TempDir _temp = new();
    private FakeLabelStudio _ls = null!;
    private FakeLabelStudio _bucket = null!;

    public async Task InitializeAsync()
    {
        _ls = await FakeLabelStudio.StartAsync();
        _bucket = await FakeLabelStudio.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _ls.DisposeAsync();
        await _bucket.DisposeAsync();
        _temp.Dispose();
    }

    private TaskDataServices Services(string? apiKey = null, TimeProvider? time = null, Action<TaskDataOptions>? more = null) => new(o =>
    {
        o.LabelStudioUrl = _ls.Url;
        o.ApiKey = apiKey ?? _ls.LegacyToken;
        o.CacheDirectory = _temp.File("cache");
        more?.Invoke(o);
    }, time);

    [Fact]
    public async Task Upload_with_legacy_token_falls_back_from_the_storage_proxy_and_is_cached()
    {
        _ls.Files["/data/upload/7/cat.png"] = [1, 2, 3, 4];
        using var services = Services();

        var path = await services.Resolver.GetLocalPathAsync("/data/upload/7/cat.png", 1, Project, CancellationToken.None);
        var again = await services.Resolver.GetLocalPathAsync("/data/upload/7/cat.png", 1, Project, CancellationToken.None);

        Assert.Equal([1, 2, 3, 4], await File.ReadAllBytesAsync(path));
        Assert.Equal(path, again);
        Assert.EndsWith("cat.png", path);
        Assert.Equal(["/storage-data/uploaded/?filepath=upload%2F7%2Fcat.png", "/data/upload/7/cat.png"], _ls.Requests.Select(r => r.PathAndQuery));
        Assert.All(_ls.Requests, r => Assert.Equal("Token " + _ls.LegacyToken, r.Authorization));
    }

    [Fact]
    public async Task Upload_through_the_storage_proxy_when_Label_Studio_has_it()
    {
        _ls.StorageProxy = true;
        _ls.Files["/data/upload/7/dog.jpg"] = [9, 9];
        using var services = Services();

        await using var stream = await services.Resolver.OpenReadAsync("upload/7/dog.jpg", 1, Project, CancellationToken.None);
        var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer);

        Assert.Equal([9, 9], buffer.ToArray());
        Assert.Single(_ls.Requests);
    }

    [Fact]
    public async Task Personal_access_token_is_exchanged_once_and_refreshed_when_the_access_token_expires()
    {
        var time = new ManualTime();
        _ls.StorageProxy = true;
        _ls.Files["/data/upload/7/a.png"] = [1];
        _ls.Files["/data/upload/7/b.png"] = [2];
        _ls.Files["/data/upload/7/c.png"] = [3];
        using var services = Services(_ls.PersonalAccessToken, time);

        await services.Resolver.GetLocalPathAsync("/data/upload/7/a.png", 1, Project, CancellationToken.None);
        await services.Resolver.GetLocalPathAsync("/data/upload/7/b.png", 1, Project, CancellationToken.None);
        Assert.Equal(1, _ls.Refreshes);

        time.Now += TimeSpan.FromMinutes(10); // past the 5-minute access token
        await services.Resolver.GetLocalPathAsync("/data/upload/7/c.png", 1, Project, CancellationToken.None);

        Assert.Equal(2, _ls.Refreshes);
        var fileRequests = _ls.RequestsTo("/storage-data/").ToList();
        Assert.Equal(3, fileRequests.Count);
        Assert.All(fileRequests, r => Assert.StartsWith("Bearer ey", r.Authorization));
        Assert.NotEqual(fileRequests[1].Authorization, fileRequests[2].Authorization);
        Assert.DoesNotContain(_ls.Requests, r => r.Authorization?.Contains(_ls.PersonalAccessToken) == true);
    }

    [Fact]
    public async Task Rejected_access_token_is_refreshed_once_and_the_download_retried()
    {
        _ls.StorageProxy = true;
        _ls.Files["/data/upload/7/a.png"] = [1];
        _ls.Files["/data/upload/7/b.png"] = [2];
        using var services = Services(_ls.PersonalAccessToken);
        await services.Resolver.GetLocalPathAsync("/data/upload/7/a.png", 1, Project, CancellationToken.None);

        _ls.RevokeAccessTokens();
        var path = await services.Resolver.GetLocalPathAsync("/data/upload/7/b.png", 1, Project, CancellationToken.None);

        Assert.Equal([2], await File.ReadAllBytesAsync(path));
        Assert.Equal(2, _ls.Refreshes);
    }

    [Fact]
    public async Task Expired_personal_access_token_is_a_clear_error()
    {
        _ls.Files["/data/upload/7/a.png"] = [1];
        using var services = Services(FakeLabelStudio.MakeJwt(DateTimeOffset.UtcNow.AddDays(-1), "refresh"));

        var error = await Assert.ThrowsAsync<TaskDataException>(() =>
            services.Resolver.GetLocalPathAsync("/data/upload/7/a.png", 1, Project, CancellationToken.None));

        Assert.Contains("personal access token expired", error.Message);
        Assert.Equal(0, _ls.Refreshes);
    }

    [Fact]
    public async Task Wrong_token_gives_401_naming_the_url()
    {
        _ls.StorageProxy = true;
        _ls.Files["/data/upload/7/a.png"] = [1];
        using var services = Services("ffffffffffffffffffffffffffffffffffffffff");

        var error = await Assert.ThrowsAsync<TaskDataException>(() =>
            services.Resolver.GetLocalPathAsync("/data/upload/7/a.png", 1, Project, CancellationToken.None));

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Contains("/data/upload/7/a.png", error.Message);
        Assert.Contains("HTTP 401", error.Message);
        Assert.Contains("LABEL_STUDIO_API_KEY", error.Message);
    }

    [Fact]
    public async Task Missing_file_gives_404_naming_the_url()
    {
        using var services = Services();

        var error = await Assert.ThrowsAsync<TaskDataException>(() =>
            services.Resolver.GetLocalPathAsync($"{_ls.Url}/data/upload/7/nope.png", 1, Project, CancellationToken.None));

        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Contains($"{_ls.Url}/data/upload/7/nope.png", error.Message);
        Assert.Contains("404", error.Message);
    }

    [Fact]
    public async Task Slow_server_times_out_with_a_clear_error()
    {
        _ls.Files["/public/slow.png"] = [1];
        _ls.Delay = TimeSpan.FromSeconds(5);
        using var services = Services(more: o => o.Timeout = TimeSpan.FromMilliseconds(300));

        var error = await Assert.ThrowsAsync<TaskDataException>(() =>
            services.Resolver.GetLocalPathAsync($"{_ls.Url}/public/slow.png", 1, Project, CancellationToken.None));

        Assert.Contains("timed out after 0.3 s", error.Message);
        Assert.Contains("/public/slow.png", error.Message);
    }

    [Fact]
    public async Task Cloud_uri_is_presigned_with_base64_fileuri_and_the_token_never_reaches_the_bucket()
    {
        _ls.PresignRedirectBase = _bucket.Url;
        _bucket.Files["/bucket/my-bucket/images/x 1.jpg"] = [7, 7, 7];
        using var services = Services();

        var path = await services.Resolver.GetLocalPathAsync("s3://my-bucket/images/x 1.jpg", 42, Project, CancellationToken.None);

        Assert.Equal([7, 7, 7], await File.ReadAllBytesAsync(path));
        var presign = Assert.Single(_ls.Requests);
        var expected = Convert.ToBase64String(Encoding.UTF8.GetBytes("s3://my-bucket/images/x 1.jpg")).Replace('+', '-').Replace('/', '_');
        Assert.Equal($"/tasks/42/presign/?fileuri={Uri.EscapeDataString(expected)}", presign.PathAndQuery);
        Assert.Equal("Token " + _ls.LegacyToken, presign.Authorization);
        var download = Assert.Single(_bucket.Requests);
        Assert.Equal("/bucket/my-bucket/images/x 1.jpg?X-Amz-Signature=abc", download.PathAndQuery);
        Assert.Null(download.Authorization);
    }

    [Fact]
    public async Task Cloud_uri_without_a_task_id_is_a_clear_error()
    {
        using var services = Services();

        var error = await Assert.ThrowsAsync<TaskDataException>(() =>
            services.Resolver.GetLocalPathAsync("gs://b/x.jpg", null, Project, CancellationToken.None));

        Assert.Contains("task id is required", error.Message);
    }

    [Fact]
    public async Task Token_goes_to_the_Label_Studio_origin_only()
    {
        _ls.Files["/data/upload/7/a.png"] = [1];
        _bucket.Files["/public/b.png"] = [2];
        using var services = Services();

        await services.Resolver.GetLocalPathAsync($"{_ls.Url}/data/upload/7/a.png", 1, Project, CancellationToken.None);
        await services.Resolver.GetLocalPathAsync($"{_bucket.Url}/public/b.png", 1, Project, CancellationToken.None);

        Assert.Equal("Token " + _ls.LegacyToken, Assert.Single(_ls.Requests).Authorization);
        Assert.Null(Assert.Single(_bucket.Requests).Authorization);
    }

    [Fact]
    public async Task Setup_values_win_over_configuration_and_the_configured_key_never_goes_to_another_setup_host()
    {
        _ls.Files["/data/upload/7/a.png"] = [1];
        using var services = new TaskDataServices(o =>
        {
            o.LabelStudioUrl = "http://127.0.0.1:1"; // unreachable: must not be used
            o.ApiKey = "configured-key-for-another-label-studio";
            o.CacheDirectory = _temp.File("cache");
        });

        // /setup named this Label Studio but sent no token: the configured key belongs to another origin.
        services.Connections.Remember(Project, _ls.Url, null);
        var noKey = await Assert.ThrowsAsync<TaskDataException>(() =>
            services.Resolver.GetLocalPathAsync("/data/upload/7/a.png", 1, Project, CancellationToken.None));
        Assert.Contains("no API key", noKey.Message);
        Assert.Empty(_ls.Requests);

        services.Connections.Remember(Project, null, _ls.LegacyToken);
        var path = await services.Resolver.GetLocalPathAsync("/data/upload/7/a.png", 1, Project, CancellationToken.None);

        Assert.Equal([1], await File.ReadAllBytesAsync(path));
        Assert.All(_ls.Requests, r => Assert.Equal("Token " + _ls.LegacyToken, r.Authorization));
    }

    [Fact]
    public async Task Relative_url_without_a_known_Label_Studio_is_a_clear_error()
    {
        using var services = new TaskDataServices(o => o.CacheDirectory = _temp.File("cache"));

        var error = await Assert.ThrowsAsync<TaskDataException>(() =>
            services.Resolver.GetLocalPathAsync("/data/upload/7/a.png", 1, null, CancellationToken.None));

        Assert.Contains("LABEL_STUDIO_URL", error.Message);
        Assert.Contains("/data/upload/7/a.png", error.Message);
    }

    [Fact]
    public async Task Local_files_are_read_from_the_document_root_without_a_request_and_traversal_is_refused()
    {
        var root = Directory.CreateDirectory(_temp.File("root")).FullName;
        Directory.CreateDirectory(Path.Combine(root, "dataset 1"));
        await File.WriteAllBytesAsync(Path.Combine(root, "dataset 1", "a+b.jpg"), [5]);
        await File.WriteAllBytesAsync(_temp.File("secret.txt"), [6]);
        _ls.Files["/local/dataset 1/elsewhere.jpg"] = [8];
        using var services = Services(more: o => o.LocalFilesDocumentRoot = root);

        var local = await services.Resolver.GetLocalPathAsync("/data/local-files/?d=dataset%201/a%2Bb.jpg", 1, Project, CancellationToken.None);
        Assert.Equal(Path.Combine(root, "dataset 1", "a+b.jpg"), local);
        Assert.Empty(_ls.Requests);

        var downloaded = await services.Resolver.GetLocalPathAsync("/data/local-files/?d=dataset+1/elsewhere.jpg", 1, Project, CancellationToken.None);
        Assert.Equal([8], await File.ReadAllBytesAsync(downloaded));
        Assert.Single(_ls.Requests);

        var escape = await Assert.ThrowsAsync<TaskDataException>(() =>
            services.Resolver.GetLocalPathAsync("/data/local-files/?d=../secret.txt", 1, Project, CancellationToken.None));
        Assert.Contains("escapes LOCAL_FILES_DOCUMENT_ROOT", escape.Message);
    }

    [Fact]
    public async Task Data_uris_are_decoded()
    {
        using var services = Services();

        var path = await services.Resolver.GetLocalPathAsync("data:image/png;base64," + Convert.ToBase64String([1, 2, 250]), 1, Project, CancellationToken.None);
        var text = await services.Resolver.GetLocalPathAsync("data:text/plain,hello%20world", 1, Project, CancellationToken.None);

        Assert.Equal([1, 2, 250], await File.ReadAllBytesAsync(path));
        Assert.EndsWith(".png", path);
        Assert.Equal("hello world", await File.ReadAllTextAsync(text));
        Assert.Empty(_ls.Requests);
    }

    [Fact]
    public async Task Unsupported_values_are_refused()
    {
        using var services = Services();

        var error = await Assert.ThrowsAsync<TaskDataException>(() =>
            services.Resolver.GetLocalPathAsync("ftp://host/x.png", 1, Project, CancellationToken.None));

        Assert.Contains("unsupported value", error.Message);
    }

    [Fact]
    public async Task Cache_stays_under_its_size_bound_evicting_least_recently_used_files()
    {
        for (var i = 0; i < 6; i++) _bucket.Files[$"/public/{i}.bin"] = new byte[1000];
        var cacheDir = _temp.File("bounded");
        using var services = Services(more: o =>
        {
            o.CacheDirectory = cacheDir;
            o.CacheSizeLimitBytes = 3500;
        });
        async Task<string> Get(int i) => await services.Resolver.GetLocalPathAsync($"{_bucket.Url}/public/{i}.bin", null, null, CancellationToken.None);

        var first = await Get(0);
        await Get(1);
        await Get(2);
        await Get(0); // touch 0: now 1 is the least recently used
        await Get(3);
        await Get(4);

        var files = Directory.GetFiles(cacheDir);
        Assert.True(files.Sum(f => new FileInfo(f).Length) <= 3500);
        Assert.Equal(3, files.Length);
        Assert.True(File.Exists(first));
        Assert.Empty(Directory.GetFiles(Path.Combine(cacheDir, ".tmp")));

        var before = _bucket.Requests.Count;
        await Get(0);
        Assert.Equal(before, _bucket.Requests.Count); // still cached
        await Get(1);
        Assert.Equal(before + 1, _bucket.Requests.Count); // was evicted
    }

    [Fact]
    public async Task Oversized_download_is_refused_and_leaves_no_partial_file()
    {
        _bucket.Files["/public/big.bin"] = new byte[10_000];
        var cacheDir = _temp.File("limited");
        using var services = Services(more: o =>
        {
            o.CacheDirectory = cacheDir;
            o.MaxDownloadBytes = 4096;
        });

        var error = await Assert.ThrowsAsync<TaskDataException>(() =>
            services.Resolver.GetLocalPathAsync($"{_bucket.Url}/public/big.bin", null, null, CancellationToken.None));

        Assert.Contains("4096-byte", error.Message);
        Assert.Empty(Directory.GetFiles(cacheDir));
        Assert.Empty(Directory.GetFiles(Path.Combine(cacheDir, ".tmp")));
    }
}
