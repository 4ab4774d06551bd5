using PluginHost.Sdk.Backends;

namespace PluginHost.Plugins.TextClassifier;

/// <summary><c>Backends:textclassifier:Settings</c>.</summary>
[BackendSettings]
public sealed class TextClassifierSettings
{
    /// <summary>Word n-grams up to this length (1 = bag of words).</summary>
    public int WordNgrams { get; set; } = 2;

    /// <summary>Character n-grams of this length inside words; 0 turns them off.</summary>
    public int CharNgrams { get; set; }

    /// <summary>Only the first characters of a text are read (long e-mails cost time and add little); 0 = no limit.</summary>
    public int MaxTextLength { get; set; } = 4000;

    /// <summary>Multiple choice: a label is predicted when its probability reaches this (or the control's <c>model_score_threshold</c>).</summary>
    public double Threshold { get; set; } = 0.5;

    /// <summary>L2 penalty on the mean log loss (λ/2·‖W‖²); chosen by measurement (docs/training.md).</summary>
    public double L2Regularization { get; set; } = 5e-6;

    /// <summary>L-BFGS iterations at most; the fit usually stops earlier, when the loss no longer moves.</summary>
    public int MaxIterations { get; set; } = 25;

    /// <summary>At most this many n-gram weights: past it, the n-grams found in the most training texts are kept.</summary>
    public int MaxFeatures { get; set; } = 50_000;
}
