//! Sharing work among the cores on threads of our own, not rayon's pool (which the classifier's
//! kernels keep busy, and whose size `RAYON_NUM_THREADS` sets and the model's loader checks): the
//! list's filters and the search look at millions of rows between two keys, and a data set's files
//! are read side by side.

use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Items below which one thread does the work alone (starting threads would cost more).
const ITEMS_PER_THREAD: usize = 4096;

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// `items.iter().map(f)`, in order, on one thread per core, each taking the next item when done
/// with one (files of different sizes share out evenly).
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = cores().min(items.len());
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else {
                return done;
            };
            done.push((i, f(item)));
        }
    };
    let mut done: Vec<(usize, R)> = std::thread::scope(|s| {
        let others: Vec<_> = (1..threads).map(|_| s.spawn(work)).collect();
        let mut done = work();
        for other in others {
            done.extend(other.join().expect("a worker thread panicked"));
        }
        done
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

/// `range.filter_map(f)`, in order, the range cut into one contiguous part per core.
pub fn filter_map<T: Send>(range: Range<usize>, f: impl Fn(usize) -> Option<T> + Sync) -> Vec<T> {
    let threads = cores().min(range.len().div_ceil(ITEMS_PER_THREAD)).max(1);
    if threads == 1 {
        return range.filter_map(f).collect();
    }
    let step = range.len().div_ceil(threads);
    let part = |t: usize| range.start + t * step..(range.start + (t + 1) * step).min(range.end);
    let f = &f;
    std::thread::scope(|s| {
        let rest: Vec<_> = (1..threads)
            .map(|t| s.spawn(move || part(t).filter_map(f).collect::<Vec<T>>()))
            .collect();
        let mut out: Vec<T> = part(0).filter_map(f).collect();
        for handle in rest {
            out.extend(handle.join().expect("a filtering thread panicked"));
        }
        out
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn maps_every_item_in_order() {
        for n in [0, 1, 2, 7, 100] {
            let items: Vec<usize> = (0..n).collect();
            let slow_first = |&i: &usize| {
                if i == 0 {
                    std::thread::yield_now();
                }
                i * 3
            };
            assert_eq!(
                super::map(&items, slow_first),
                (0..n).map(|i| i * 3).collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn keeps_what_a_plain_filter_keeps_in_order() {
        for n in [0, 1, 4095, 4096, 4097, 100_003] {
            let f = |i: usize| (i % 7 == 3 || i + 1 == n).then_some(i as u32 * 2);
            let expected: Vec<u32> = (0..n).filter_map(f).collect();
            assert_eq!(super::filter_map(0..n, f), expected, "{n}");
            assert_eq!(
                super::filter_map(5..n.max(5), f),
                (5..n.max(5)).filter_map(f).collect::<Vec<_>>()
            );
        }
    }
}
