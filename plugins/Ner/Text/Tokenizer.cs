using System.Globalization;

namespace PluginHost.Plugins.Ner.Text;

/// <summary>A token and its exact UTF-16 offsets in the source text (the offsets Label Studio uses).</summary>
public readonly record struct Token(int Start, int End, string Text)
{
    public int Length => End - Start;
}

/// <summary>
/// Splits text into word, number and punctuation tokens without losing a character offset.
/// Rules (chosen so that an annotator's span almost always falls on token boundaries):
/// <list type="bullet">
/// <item>A word is a run of letters, digits and combining marks (any script; surrogate pairs stay whole).</item>
/// <item>An apostrophe or hyphen between two word characters joins them: <c>O'Brien</c>, <c>Jean-Luc</c>, <c>don't</c>.</item>
/// <item>…except a trailing possessive <c>'s</c>/<c>’s</c>, split off so "Apple's" gives the entity "Apple".</item>
/// <item>A dot or comma between two digits joins them: <c>3.14</c>, <c>1,000</c>.</item>
/// <item>Every other non-space character is a token of its own; whitespace is never part of a token.</item>
/// </list>
/// </summary>
public static class Tokenizer
{
    public static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>(text.Length / 5 + 1);
        var i = 0;
        while (i < text.Length)
        {
            if (IsSpace(text, i))
            {
                i += CharLength(text, i);
                continue;
            }
            if (!IsWordChar(text, i))
            {
                var len = CharLength(text, i);
                tokens.Add(new Token(i, i + len, text.Substring(i, len)));
                i += len;
                continue;
            }
            var start = i;
            var end = ScanWord(text, i);
            var possessive = PossessiveStart(text, start, end);
            if (possessive > start)
            {
                tokens.Add(new Token(start, possessive, text[start..possessive]));
                tokens.Add(new Token(possessive, end, text[possessive..end]));
            }
            else
            {
                tokens.Add(new Token(start, end, text[start..end]));
            }
            i = end;
        }
        return tokens;
    }

    private static int ScanWord(string text, int i)
    {
        while (i < text.Length)
        {
            if (IsWordChar(text, i))
            {
                i += CharLength(text, i);
                continue;
            }
            var c = text[i];
            var joinsWords = IsApostrophe(c) || IsHyphen(c);
            var joinsDigits = (c is '.' or ',') && i > 0 && char.IsDigit(text[i - 1]) && i + 1 < text.Length && char.IsDigit(text[i + 1]);
            if ((joinsWords && i + 1 < text.Length && IsWordChar(text, i + 1)) || joinsDigits)
            {
                i++;
                continue;
            }
            break;
        }
        return i;
    }

    /// <summary>Where a trailing possessive <c>'s</c> starts inside [start, end), or -1.</summary>
    private static int PossessiveStart(string text, int start, int end)
    {
        if (end - start < 3) return -1;
        var apostrophe = end - 2;
        return IsApostrophe(text[apostrophe]) && (text[end - 1] is 's' or 'S') ? apostrophe : -1;
    }

    private static bool IsApostrophe(char c) => c is '\'' or '\u2019';

    private static bool IsHyphen(char c) => c is '-' or '\u2010' or '\u2011';

    private static bool IsSpace(string text, int i) => char.IsWhiteSpace(text[i]) || text[i] is '\u200B' or '\uFEFF';

    internal static bool IsWordChar(string text, int i)
    {
        var category = char.IsSurrogatePair(text, i)
            ? CharUnicodeInfo.GetUnicodeCategory(char.ConvertToUtf32(text[i], text[i + 1]))
            : CharUnicodeInfo.GetUnicodeCategory(text[i]);
        return category switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter
                or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber
                or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark => true,
            _ => false,
        };
    }

    private static int CharLength(string text, int i) => char.IsSurrogatePair(text, i) ? 2 : 1;
}
