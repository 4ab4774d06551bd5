using PluginHost.Ner.Corpus;
using PluginHost.Plugins.Ner.Model;
using Xunit.Abstractions;
namespace PluginHost.Ner.Tests;
public class DebugTests(ITestOutputHelper output)
{
    [Fact]
    public void Debug()
    {
        var (train, test) = SyntheticNerCorpus.Generate(200, 20);
        var (model, _) = NerTrainer.Train(train, SyntheticNerCorpus.Labels);
        var text = train[0].Text;
        output.WriteLine(text + " :: " + string.Join(",", train[0].Spans));
        var tokens = PluginHost.Plugins.Ner.Text.Tokenizer.Tokenize(text);
        var f = PluginHost.Plugins.Ner.Features.TokenFeaturizer.Featurize(text, tokens);
        var scores = model.Score([f], default)[0];
        for (var t = 0; t < tokens.Count; t++)
            output.WriteLine(tokens[t].Text + " " + string.Join(" ", Enumerable.Range(0, model.Tags.Count).Select(k => $"{model.Tags.Names[k]}={MathF.Exp(scores[t*model.Tags.Count+k]):F2}")));
        foreach (var e in model.Predict([text])[0]) output.WriteLine(e.ToString());
    }
}
