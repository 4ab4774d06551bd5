using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;
using PluginHost.Tests;

namespace PluginHost.Ops.Tests;

/// <summary>The OpenAPI document at /openapi/v1.json describes every route the host maps, and /docs renders it from the host.</summary>
public sealed class OpenApiDocumentTests(SharedHost shared) : IClassFixture<SharedHost>
{
    private RunningHost Host => shared.Host;

    [Fact]
    public async Task Every_mapped_route_is_in_the_document_with_its_methods()
    {
        var document = await ReadDocumentAsync();
        var routes = Host.Get<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>() is not null)
            .Select(e => (Path: "/" + e.RoutePattern.RawText!.Trim('/'), Methods: e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods))
            // The document itself and Scalar's page and assets are the documentation, not the API.
            .Where(r => !r.Path.StartsWith("/openapi", StringComparison.Ordinal) && !r.Path.StartsWith("/docs", StringComparison.Ordinal))
            .ToList();
        Assert.True(routes.Count >= 20, $"only {routes.Count} routes mapped");

        var paths = document["paths"]!.AsObject();
        foreach (var (path, methods) in routes)
        {
            var key = path == "/" ? "/" : Regex.Replace(path, @"\{(\w+)(:[^}]*)?\}", "{$1}");
            Assert.True(paths.ContainsKey(key), $"{key} is missing from the OpenAPI document");
            foreach (var method in methods)
            {
                var operation = paths[key]![method.ToLowerInvariant()];
                Assert.True(operation is not null, $"{method} {key} is missing from the OpenAPI document");
                Assert.False(string.IsNullOrEmpty(operation!["summary"]?.GetValue<string>()), $"{method} {key} has no summary");
                Assert.Contains(operation["responses"]!.AsObject(), r => r.Key.StartsWith('2'));
                foreach (Match parameter in Regex.Matches(key, @"\{(\w+)\}"))
                    Assert.Contains(operation["parameters"]!.AsArray(), p => p!["name"]!.GetValue<string>() == parameter.Groups[1].Value && p["in"]!.GetValue<string>() == "path");
            }
        }
    }

    [Fact]
    public async Task The_document_is_valid_OpenAPI_with_the_wire_schemas_and_examples()
    {
        var json = await Host.Client.GetStringAsync("openapi/v1.json");
        var settings = new OpenApiReaderSettings();
        var result = OpenApiDocument.Parse(json, "json", settings);
        Assert.Empty(result.Diagnostic!.Errors);
        var document = result.Document!;
        var errors = document.Validate(ValidationRuleSet.GetDefaultRuleSet())?.ToList() ?? [];
        Assert.True(errors.Count == 0, string.Join("\n", errors.Select(e => $"{e.Pointer}: {e.Message}")));

        // Schemas follow the wire format (snake_case), and requests/answers carry examples Label Studio would send/read.
        var predict = document.Paths["/{backend}/predict"].Operations![HttpMethod.Post];
        var request = predict.RequestBody!.Content!["application/json"];
        Assert.Equal("PredictRequest", ((OpenApiSchemaReference)request.Schema!).Reference.Id);
        var predictRequest = document.Components!.Schemas!["PredictRequest"];
        Assert.Contains("label_config", predictRequest.Properties!.Keys);
        Assert.Contains("tasks", predictRequest.Properties.Keys);
        Assert.NotNull(request.Example?["tasks"]);
        Assert.NotNull(predict.Responses!["200"].Content!["application/json"].Example?["results"]);
        Assert.Contains("model_version", document.Components.Schemas["VersionInfo"].Properties!.Keys);
        Assert.Equal("ApiError", ((OpenApiSchemaReference)predict.Responses["400"].Content!["application/json"].Schema!).Reference.Id);
    }

    [Fact]
    public async Task Docs_page_renders_the_document_from_assets_the_host_serves()
    {
        using var response = await Host.Client.GetAsync("docs/");
        Assert.Equal(200, (int)response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("openapi/v1.json", html);
        var scripts = Regex.Matches(html, "<script[^>]*src=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(scripts);
        foreach (var script in scripts)
        {
            Assert.False(Uri.TryCreate(script, UriKind.Absolute, out _), $"{script} would load from another site");
            using var asset = await Host.Client.GetAsync("docs/" + script);
            Assert.Equal(200, (int)asset.StatusCode);
            Assert.True((await asset.Content.ReadAsByteArrayAsync()).Length > 1000, $"{script} is empty");
        }
    }

    private async Task<JsonNode> ReadDocumentAsync() =>
        JsonNode.Parse(await Host.Client.GetStringAsync("openapi/v1.json"))!;
}
