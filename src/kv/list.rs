//! List values: the elements of one Redis list, head first, packed in one buffer (see
//! `packed`). Pushes and pops at either end copy the buffer once, with the elements added or
//! without those taken (`KvState::push_list`, `KvState::pop_list`), never taking it apart;
//! other writes rebuild it. Either way a write is O(length of the list) in bytes copied, which
//! is why a list past 128 elements is held in runs instead (see `kv::big`); this buffer
//! remains its form in snapshots. The functions here decide what a command does to the
//! elements, and `KvState` stores the result.

use super::packed;

/// The elements of a list buffer, head first.
pub fn elements(buf: &[u8]) -> Vec<&[u8]> {
    packed::strings(buf).collect()
}

/// The number of elements of a list buffer, counted without collecting them.
pub fn len(buf: &[u8]) -> usize {
    packed::skip(buf, usize::MAX).0
}

/// The byte offset in `buf` after its first `n` elements (its end if it holds fewer).
pub fn offset_after(buf: &[u8], n: usize) -> usize {
    packed::skip(buf, n).1
}

/// The elements `n` may have to be pushed as one buffer: in order at the tail, or each in turn
/// at the head (so the last ends up first, as LPUSH does).
pub fn packed_push(new: &[&[u8]], head: bool) -> Vec<u8> {
    if head {
        packed::pack(new.iter().rev().copied())
    } else {
        packed::pack(new.iter().copied())
    }
}

/// Whether `buf` is a well-formed, non-empty list buffer.
pub fn is_valid(buf: &[u8]) -> bool {
    packed::count_valid(buf).is_some_and(|n| n > 0)
}

/// Packs elements into a list buffer (empty: the key is to be deleted).
pub fn pack(elements: &[&[u8]]) -> Vec<u8> {
    packed::pack(elements.iter().copied())
}

/// The inclusive index range `start..=stop` of LRANGE and LTRIM in a list of `len`, with
/// negative indexes counted from the tail; `None` when it selects nothing.
pub fn range(len: usize, start: i64, stop: i64) -> Option<(usize, usize)> {
    let len = i64::try_from(len).ok()?;
    let start = if start < 0 {
        (start.saturating_add(len)).max(0)
    } else {
        start
    };
    let stop = if stop < 0 {
        stop.saturating_add(len)
    } else {
        stop.min(len - 1)
    };
    if len == 0 || start > stop || start >= len {
        return None;
    }
    Some((start as usize, stop as usize))
}

/// The position of `index` (negative counts from the tail) in a list of `len`.
pub fn position(len: usize, index: i64) -> Option<usize> {
    let len = i64::try_from(len).ok()?;
    let at = if index < 0 {
        index.checked_add(len)?
    } else {
        index
    };
    (0..len).contains(&at).then_some(at as usize)
}

/// LREM: `list` without up to `count` elements equal to `element` (all of them for 0), from
/// the head for a positive count and from the tail for a negative one; and how many went.
pub fn removed<'a>(list: &[&'a [u8]], count: i64, element: &[u8]) -> (Vec<&'a [u8]>, usize) {
    let limit = if count == 0 {
        usize::MAX
    } else {
        usize::try_from(count.unsigned_abs()).unwrap_or(usize::MAX)
    };
    let mut gone = 0;
    let mut keep: Vec<bool> = vec![true; list.len()];
    let order: Box<dyn Iterator<Item = usize>> = if count < 0 {
        Box::new((0..list.len()).rev())
    } else {
        Box::new(0..list.len())
    };
    for i in order {
        if gone == limit {
            break;
        }
        if list[i] == element {
            keep[i] = false;
            gone += 1;
        }
    }
    let rest = list
        .iter()
        .zip(keep)
        .filter_map(|(e, k)| k.then_some(*e))
        .collect();
    (rest, gone)
}

/// LPOS: the positions of `element`, at most `count` of them (`None`: no limit), skipping
/// `rank - 1` matches first (from the tail when `rank` is negative), comparing at most
/// `max_len` elements (0: no limit).
pub fn positions(
    list: &[&[u8]],
    element: &[u8],
    rank: i64,
    count: usize,
    max_len: usize,
) -> Vec<usize> {
    let mut skip = rank.unsigned_abs().saturating_sub(1);
    let scan = if max_len == 0 {
        list.len()
    } else {
        max_len.min(list.len())
    };
    let order: Box<dyn Iterator<Item = usize>> = if rank < 0 {
        Box::new((list.len() - scan..list.len()).rev())
    } else {
        Box::new(0..scan)
    };
    let mut found = Vec::new();
    for i in order {
        if list[i] != element {
            continue;
        }
        if skip > 0 {
            skip -= 1;
            continue;
        }
        found.push(i);
        if found.len() == count {
            break;
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list<'a>(items: &[&'a str]) -> Vec<&'a [u8]> {
        items.iter().map(|s| s.as_bytes()).collect()
    }

    #[test]
    fn pushes_and_ranges_follow_redis() {
        let mut l = packed_push(&list(&["b", "a"]), true);
        l.extend(pack(&list(&["c"])));
        l.extend(packed_push(&list(&["d", "e"]), false));
        assert_eq!(elements(&l), list(&["a", "b", "c", "d", "e"]));
        assert_eq!(len(&l), 5);
        assert_eq!(offset_after(&l, 0), 0);
        assert_eq!(elements(&l[offset_after(&l, 2)..]), list(&["c", "d", "e"]));
        assert_eq!(offset_after(&l, 9), l.len());
        assert_eq!(range(5, 0, -1), Some((0, 4)));
        assert_eq!(range(5, -2, 100), Some((3, 4)));
        assert_eq!(range(5, -100, 1), Some((0, 1)));
        assert_eq!(range(5, 3, 2), None);
        assert_eq!(range(5, 5, 10), None);
        assert_eq!(range(0, 0, -1), None);
        assert_eq!(range(5, i64::MIN, i64::MAX), Some((0, 4)));
        assert_eq!(position(3, -1), Some(2));
        assert_eq!(position(3, 3), None);
        assert_eq!(position(3, -4), None);
        assert_eq!(position(3, i64::MIN), None);
        let buf = pack(&list(&["a", "b"]));
        assert!(is_valid(&buf));
        assert_eq!(elements(&buf), list(&["a", "b"]));
        assert!(!is_valid(&[]));
    }

    #[test]
    fn removal_and_search_count_from_either_end() {
        let l = list(&["a", "x", "b", "x", "c", "x"]);
        assert_eq!(removed(&l, 2, b"x"), (list(&["a", "b", "c", "x"]), 2));
        assert_eq!(removed(&l, -1, b"x"), (list(&["a", "x", "b", "x", "c"]), 1));
        assert_eq!(removed(&l, 0, b"x"), (list(&["a", "b", "c"]), 3));
        assert_eq!(removed(&l, i64::MIN, b"x").1, 3);
        assert_eq!(positions(&l, b"x", 1, 1, 0), vec![1]);
        assert_eq!(positions(&l, b"x", 2, usize::MAX, 0), vec![3, 5]);
        assert_eq!(positions(&l, b"x", -1, 2, 0), vec![5, 3]);
        assert_eq!(positions(&l, b"x", 1, usize::MAX, 2), vec![1]);
        assert_eq!(positions(&l, b"x", -1, usize::MAX, 2), vec![5]);
        assert_eq!(positions(&l, b"z", 1, 1, 0), Vec::<usize>::new());
    }
}
