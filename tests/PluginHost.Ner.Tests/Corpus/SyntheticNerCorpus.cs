using System.Text;
using PluginHost.Plugins.Ner.Training;

namespace PluginHost.Ner.Corpus;

/// <summary>
/// A synthetic, news-like NER corpus (PER, ORG, LOC) made in code with a seeded RNG: no NER corpus ships in a package
/// this machine can install, and nothing may be downloaded. Held out for the test split: 30% of every name list
/// (first names, surnames, organisation stems, places) and 20% of the sentence templates, so the test measures
/// generalisation to unseen names and unseen contexts, not memorisation. Includes unicode names, apostrophes,
/// hyphens, possessives, titles outside the entity, names that are also places (Jordan, Georgia), capitalised
/// non-entities (Monday, The Board) and sentences without entities. Still far more regular than real text.
/// </summary>
public static class SyntheticNerCorpus
{
    public static readonly IReadOnlyList<string> Labels = ["PER", "ORG", "LOC"];

    private static readonly string[] FirstNames =
    [
        "James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "William", "Elizabeth", "David", "Barbara",
        "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Charles", "Karen", "Daniel", "Nancy", "Matthew", "Lisa",
        "Anthony", "Margaret", "Mark", "Sandra", "Steven", "Ashley", "Paul", "Emily", "Andrew", "Donna", "Joshua", "Michelle",
        "José", "Zoë", "Łukasz", "Søren", "Björn", "Chloé", "François", "Jürgen", "Ngozi", "Hiroshi", "Aiko", "Priya", "Siobhán",
        "Jean-Luc", "Anne-Marie", "Mei", "Olumide", "Rahul", "Ingrid", "Dmitri", "Fatima", "Kwame", "Lucía", "Mateo", "Astrid",
        "Jordan", "Georgia", "Chelsea", "Omar", "Yuki", "Nikolai", "Amara", "Tariq", "Greta", "Henrik", "Valentina", "Emeka",
    ];

    private static readonly string[] Surnames =
    [
        "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez", "Hernandez",
        "Lopez", "Wilson", "Anderson", "Taylor", "Thomas", "Moore", "Jackson", "Martin", "Lee", "Thompson", "White", "Harris",
        "O'Brien", "McAllister", "Müller", "García", "Nowak", "Kowalczyk", "Smith-Jones", "Nakamura", "Okafor", "Dubois",
        "Ødegaard", "Schröder", "Ivanova", "Fernández", "Kaur", "Haddad", "Rossi", "Jansen", "Lindqvist", "Papadopoulos",
        "Yamamoto", "Mbeki", "Novák", "Horvath", "D'Angelo", "Van der Berg", "MacLeod", "Abdullah", "Chen", "Singh", "Kim",
        "Okonkwo", "Bianchi", "Weber", "Sato", "Costa", "Andersen", "Kuznetsov", "Delacroix", "Fitzgerald", "Nguyen", "Park",
    ];

    private static readonly string[] OrgStems =
    [
        "Acme", "Globex", "Initech", "Northwind", "Contoso", "Vandelay", "Hooli", "Umbrella", "Cyberdyne", "Soylent", "Tyrell",
        "Aperture", "Wonka", "Stark", "Wayne", "Oscorp", "Gringotts", "Monarch", "Pied Piper", "Blue Sun", "Dunder Mifflin",
        "Sterling Cooper", "Prestige Worldwide", "Massive Dynamic", "Nakatomi", "Virtucon", "Zorg", "Rekall", "Weyland",
        "Tessier-Ashpool", "Ollivanders", "Bluth", "Krusty", "Planet Express", "Spacely", "Cogswell", "Gekko", "Duff",
        "Fjällräven", "Société Lumière", "Brandt & Søn", "Kobayashi", "Sirius", "Halcyon", "Meridian", "Apex", "Vertex", "Orion",
    ];

    private static readonly string[] OrgSuffixes = ["Corp", "Inc.", "Industries", "Group", "Holdings", "Labs", "Systems", "Partners", "Bank", "Airlines", "Motors", "Media"];

    private static readonly string[] Places =
    [
        "London", "Paris", "Berlin", "Madrid", "Rome", "Tokyo", "Beijing", "Moscow", "Cairo", "Lagos", "Nairobi", "Sydney",
        "Toronto", "Chicago", "Boston", "Seattle", "Denver", "Houston", "Mumbai", "Delhi", "Seoul", "Bangkok", "Lima", "Bogotá",
        "São Paulo", "Zürich", "Kraków", "Reykjavík", "Düsseldorf", "New York", "Los Angeles", "Rio de Janeiro", "Hong Kong",
        "Kyiv", "Warsaw", "Prague", "Vienna", "Oslo", "Helsinki", "Dublin", "Lisbon", "Athens", "Istanbul", "Tehran", "Jakarta",
        "France", "Germany", "Spain", "Italy", "Japan", "China", "Brazil", "Canada", "Mexico", "Nigeria", "Kenya", "Egypt",
        "India", "Australia", "Norway", "Sweden", "Poland", "Ukraine", "Peru", "Chile", "Jordan", "Georgia", "Chelsea",
        "Côte d'Ivoire", "Guinea-Bissau", "Baden-Württemberg", "the Netherlands", "the United States", "the Philippines",
    ];

    private static readonly string[] Templates =
    [
        "{PER} joined {ORG} as chief financial officer in {MONTH}.",
        "Shares of {ORG} fell 3 percent after the company warned about demand in {LOC}.",
        "{PER}, a spokesperson for {ORG}, declined to comment.",
        "The summit in {LOC} was attended by {PER} and {PER}.",
        "According to {PER}, the talks between {ORG} and {ORG} collapsed on {DAY}.",
        "{ORG} said it would open a new office in {LOC} next year.",
        "{PER} was born in {LOC} and studied law at {ORG}.",
        "Police in {LOC} arrested two men on {DAY}, {PER} told reporters.",
        "{LOC} beat {LOC} 2-1 in Saturday's qualifier.",
        "“We are very pleased,” said {PER} of {ORG}.",
        "{PER}'s new book about {LOC} sold 40,000 copies.",
        "{ORG}'s profit rose to $1.2 billion in the third quarter.",
        "Flights between {LOC} and {LOC} were cancelled because of the storm.",
        "{PER} (born {YEAR}) is a former minister of {LOC}.",
        "The contract was signed by {PER} on behalf of {ORG}.",
        "In {LOC}, {PER} met executives from {ORG}.",
        "{ORG} hired {PER} to lead its operations in {LOC}.",
        "Analysts at {ORG} expect inflation in {LOC} to slow.",
        "{PER} and {PER} will co-chair the committee.",
        "The {LOC} office of {ORG} employs about 300 people.",
        "Born in {LOC}, {PER} moved to {LOC} at the age of twelve.",
        "A report by {ORG} criticised the government of {LOC}.",
        "{PER} scored twice as {ORG} won the cup final.",
        "Residents of {LOC} were told to stay indoors, {ORG} said in a statement.",
        "{PER} will replace {PER} as head of {ORG} in {MONTH}.",
        "The exhibition moves to {LOC} in the spring.",
        "{ORG} and {ORG} agreed to merge in a deal worth $4 billion.",
        "Ticket sales in {LOC} doubled, said {PER}, the festival's director.",
        "Speaking in {LOC}, {PER} called for calm.",
        "{PER}, who founded {ORG} in {YEAR}, stepped down on {DAY}.",
        "Troops were deployed along the border between {LOC} and {LOC}.",
        "{ORG} shares closed at 45.30 dollars in {LOC} trading.",
        "The mayor of {LOC}, {PER}, opened the new bridge.",
        "A spokeswoman for {ORG} in {LOC} confirmed the layoffs.",
        "{PER} told {ORG} that the plan was well-funded.",
        "Tourism to {LOC} has recovered since last year.",
        "{PER} thanked fans in {LOC} after the concert.",
        "Engineers from {ORG} and {ORG} tested the prototype in {LOC}.",
        "{PER} interviewed {PER} for the documentary.",
        "On {DAY}, {PER} flew to {LOC} to meet officials from {ORG}.",
        "Lawyers for {PER} said the ruling by the court in {LOC} would be appealed.",
        "{ORG} recalled 20,000 vehicles sold in {LOC} and {LOC}.",
        "Critics praised {PER}'s performance at the {LOC} premiere.",
        "The deal gives {ORG} a 40% stake in {ORG}.",
        "Asked about {ORG}, {PER} said: “It's too early to tell.”",
        "Protesters gathered outside the {ORG} headquarters in {LOC}.",
        "Exports from {LOC} to {LOC} rose 7.5 percent in {MONTH}.",
        "{PER} won the election in {LOC} with 52 percent of the vote.",
        "The company reported higher sales on {DAY}.",
        "Prices rose sharply in the second half of the year.",
        "It was not immediately clear how many people were affected.",
        "The Board will meet again in {MONTH} to discuss the proposal.",
        "Officials said the road would reopen on {DAY}.",
        "Heavy rain is expected later this week.",
        "The Minister declined to give details.",
        "Sales of electric cars grew by 12 percent in {YEAR}.",
        "Interest rates were left unchanged, the central bank said.",
        "Most analysts had expected a smaller increase.",
    ];

    private static readonly string[] Months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
    private static readonly string[] Days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
    private static readonly string[] Titles = ["Mr.", "Ms.", "Dr.", "President", "Professor", "Senator"];

    /// <summary>Makes <paramref name="trainCount"/> training and <paramref name="testCount"/> test texts of 1–2 sentences.</summary>
    public static (IReadOnlyList<AnnotatedText> Train, IReadOnlyList<AnnotatedText> Test) Generate(int trainCount, int testCount, int seed = 7)
    {
        var split = new Random(seed);
        var first = Split(FirstNames, split);
        var last = Split(Surnames, split);
        var orgs = Split(OrgStems, split);
        var places = Split(Places, split);
        var templates = Split(Templates, split, heldOut: 0.2);
        var trainPools = new Pools(first.Train, last.Train, orgs.Train, places.Train, templates.Train);
        // Test texts use only unseen names, and templates from both halves (every held-out template included).
        var testPools = new Pools(first.Test, last.Test, orgs.Test, places.Test, Templates);
        var random = new Random(seed + 1);
        return (Make(trainCount, trainPools, random), Make(testCount, testPools, random));
    }

    private sealed record Pools(string[] First, string[] Last, string[] Orgs, string[] Places, IReadOnlyList<string> Templates);

    private static (string[] Train, string[] Test) Split(IReadOnlyList<string> items, Random random, double heldOut = 0.3)
    {
        var shuffled = items.OrderBy(_ => random.Next()).ToArray();
        var testCount = (int)Math.Round(shuffled.Length * heldOut);
        return (shuffled[testCount..], shuffled[..testCount]);
    }

    private static List<AnnotatedText> Make(int count, Pools pools, Random random)
    {
        var texts = new List<AnnotatedText>(count);
        for (var i = 0; i < count; i++)
        {
            var builder = new StringBuilder();
            var spans = new List<CharSpan>();
            var sentences = random.Next(3) == 0 ? 2 : 1;
            for (var s = 0; s < sentences; s++)
            {
                if (s > 0) builder.Append(random.Next(4) == 0 ? "\n" : " ");
                Render(pools.Templates[random.Next(pools.Templates.Count)], pools, random, builder, spans);
            }
            texts.Add(new AnnotatedText(builder.ToString(), spans));
        }
        return texts;
    }

    private static void Render(string template, Pools pools, Random random, StringBuilder builder, List<CharSpan> spans)
    {
        var i = 0;
        while (i < template.Length)
        {
            if (template[i] != '{')
            {
                builder.Append(template[i++]);
                continue;
            }
            var close = template.IndexOf('}', i);
            var slot = template[(i + 1)..close];
            i = close + 1;
            switch (slot)
            {
                case "PER": AppendPerson(pools, random, builder, spans); break;
                case "ORG": Append(builder, spans, Organisation(pools, random), "ORG"); break;
                case "LOC": Append(builder, spans, Pick(pools.Places, random), "LOC"); break;
                case "MONTH": builder.Append(Pick(Months, random)); break;
                case "DAY": builder.Append(Pick(Days, random)); break;
                case "YEAR": builder.Append(random.Next(1950, 2024)); break;
                default: throw new InvalidOperationException($"Unknown slot {slot}.");
            }
        }
    }

    private static void AppendPerson(Pools pools, Random random, StringBuilder builder, List<CharSpan> spans)
    {
        var roll = random.NextDouble();
        var firstName = Pick(pools.First, random);
        var surname = Pick(pools.Last, random);
        if (roll < 0.15)
        {
            builder.Append(Pick(Titles, random)).Append(' ');
            Append(builder, spans, surname, "PER");
        }
        else if (roll < 0.35) Append(builder, spans, surname, "PER");
        else if (roll < 0.45) Append(builder, spans, firstName, "PER");
        else if (roll < 0.52) Append(builder, spans, $"{firstName} {(char)('A' + random.Next(26))}. {surname}", "PER");
        else Append(builder, spans, $"{firstName} {surname}", "PER");
    }

    private static string Organisation(Pools pools, Random random)
    {
        var roll = random.NextDouble();
        if (roll < 0.12) return $"University of {Pick(pools.Places, random).Replace("the ", "")}";
        if (roll < 0.20) return Acronym(random);
        if (roll < 0.35) return Pick(pools.Orgs, random);
        return $"{Pick(pools.Orgs, random)} {Pick(OrgSuffixes, random)}";
    }

    private static string Acronym(Random random)
    {
        var length = random.Next(3, 5);
        return string.Create(length, random, static (span, r) =>
        {
            for (var i = 0; i < span.Length; i++) span[i] = (char)('A' + r.Next(26));
        });
    }

    private static void Append(StringBuilder builder, List<CharSpan> spans, string entity, string label)
    {
        // "the Netherlands": the article stays outside the entity, and is capitalised at a sentence start.
        if (entity.StartsWith("the ", StringComparison.Ordinal))
        {
            var atStart = builder.Length == 0 || builder[^1] is '\n' || (builder.Length >= 2 && builder[^1] == ' ' && builder[^2] == '.');
            builder.Append(atStart ? "The " : "the ");
            entity = entity[4..];
        }
        spans.Add(new CharSpan(builder.Length, builder.Length + entity.Length, label));
        builder.Append(entity);
    }

    private static string Pick(IReadOnlyList<string> items, Random random) => items[random.Next(items.Count)];
}
