using System.Collections;

namespace Bridge.Data.Apply;

/// <summary>
/// The rows of an insert, each made from its item when the writer comes to it, not all made first: a row lives only while it
/// is written, so the young-generation collector takes it, instead of 200,000 of them surviving into the old generation for
/// the whole apply (where each full collection walks them again). <paramref name="project"/> must be pure: a writer may ask
/// for a row from another thread, or more than once.
/// </summary>
internal sealed class ProjectedRows<T>(IReadOnlyList<T> items, Func<T, object?[]> project) : IReadOnlyList<object?[]>
{
    public int Count => items.Count;

    public object?[] this[int index] => project(items[index]);

    public IEnumerator<object?[]> GetEnumerator()
    {
        for (var i = 0; i < items.Count; i++)
        {
            yield return project(items[i]);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
