//! Geospatial commands over sorted sets, as Redis 7.0 answers them: GEOADD, GEOPOS, GEODIST,
//! GEOHASH, GEOSEARCH, GEOSEARCHSTORE, and the older GEORADIUS and GEORADIUSBYMEMBER (with
//! STORE and STOREDIST) and their `_RO` forms.
//!
//! A position is the score of its member: the 52-bit interleaved geohash of its longitude
//! (odd bits) and latitude (even bits), each cut into 2^26 steps over Redis's ranges
//! (longitude -180..180, latitude -85.05112878..85.05112878, the square of Web Mercator).
//! GEOADD is ZADD with those scores (see [`parse_add`]); the other commands read the scores
//! back, a score's position being the centre of its cell.
//!
//! Searches work as Redis's do, so that they find the same members in the same order: the
//! radius (or a box's half diagonal) picks a cell size, the cell of the centre and its eight
//! neighbours are each one range of scores, the ranges are walked in Redis's order (centre,
//! north, south, east, west, north-east, north-west, south-east, south-west) skipping
//! neighbours the shape cannot reach and a range equal to the one walked just before it, and
//! each member in them is kept if it lies in the shape. A big sorted set (see `kv::big`) is
//! searched through its index, a range of scores at a time. Results are then sorted by
//! distance with the sorts Redis uses: glibc's merge sort (stable) for the whole array, and
//! Redis's `pqsort` (a partial quicksort, not stable) when COUNT keeps fewer than were found,
//! so that members at equal distances come out in Redis's order too.
//!
//! Numbers are printed as Redis 7.0.15 prints them: distances with four decimals, rounded as
//! its `fixedpoint_d2string` rounds (the distance times 10^4, rounded to an integer, which
//! now and then differs from `%.4f` in the last digit), coordinates as `%.17Lf` of the double
//! without trailing zeros (`addReplyHumanLongDouble`), the invalid-pair error with `%f`.
//! Distances along one meridian are measured as Redis measures them, without the haversine.
//!
//! Commands are parsed as they run (but GEOADD, a ZADD), so that their errors come in Redis's
//! order: WRONGTYPE first, a missing source key answering an empty reply (or deleting the
//! STORE destination) once the options are checked. GEORADIUS and GEORADIUSBYMEMBER without
//! STORE or STOREDIST are served as reads; read-only scripts still refuse them, as Redis's
//! command table makes them writes.
//!
//! Determinism: encoding and decoding use only IEEE additions, multiplications and divisions.
//! Distances use the platform's `sin`, `cos` and `asin` (on Linux glibc's, the functions Redis
//! calls, so the digits match Redis on the same host).
//!
//! Caveats: replicas built against different math libraries could, in rare last-bit cases,
//! store different STOREDIST scores or decide differently about a member exactly on a search's
//! border. Coordinates are a reply of their own kind (`reply::double_text`): Redis's
//! long-double text, as a bulk string in RESP2 and a double (`,13.36138933897018433`) in RESP3.

use bytes::Bytes;

use super::big::Scores;
use super::command::{CommandError, ZAddFlags, ZRange};
use super::reply;
use super::zset::{self, ScoreBound};
use crate::pb;

/// Bits per coordinate in a stored score.
const STEP_MAX: u8 = 26;

/// Redis's longitude range.
const LON_MIN: f64 = -180.0;
const LON_MAX: f64 = 180.0;

/// Redis's latitude range: where Web Mercator's square ends.
const LAT_MIN: f64 = -85.05112878;
const LAT_MAX: f64 = 85.05112878;

/// The earth's radius Redis uses, in meters.
const EARTH_RADIUS_METERS: f64 = 6372797.560856;

/// Half the equator in Web Mercator meters, from which the cell size of a search is estimated.
const MERCATOR_MAX: f64 = 20037726.37;

/// Degrees to radians.
const D_R: f64 = std::f64::consts::PI / 180.0;

/// The base32 alphabet of geohash strings.
const GEOHASH_ALPHABET: &[u8; 32] = b"0123456789bcdefghjkmnpqrstuvwxyz";

/// A geohash cell: `step` bits of each coordinate, interleaved in `bits`. A cell with both
/// zero is Redis's "zero" hash, a neighbour left out of a search.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Cell {
    /// Latitude bits at even positions, longitude bits at odd ones.
    bits: u64,
    /// Bits per coordinate, 1 to 32 (0 only in the zero cell).
    step: u8,
}

impl Cell {
    const ZERO: Cell = Cell { bits: 0, step: 0 };

    fn is_zero(self) -> bool {
        self.bits == 0 && self.step == 0
    }
}

/// A range of one coordinate.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Span {
    min: f64,
    max: f64,
}

/// Redis's ranges: longitude, then latitude.
const WGS84: [Span; 2] = [
    Span {
        min: LON_MIN,
        max: LON_MAX,
    },
    Span {
        min: LAT_MIN,
        max: LAT_MAX,
    },
];

/// The ranges of standard geohash strings (latitude -90..90).
const STANDARD: [Span; 2] = [
    Span {
        min: -180.0,
        max: 180.0,
    },
    Span {
        min: -90.0,
        max: 90.0,
    },
];

/// The area of a cell: its longitude span, then its latitude span.
type Area = [Span; 2];

/// Spreads the 32 bits of `v` over the even bits of the result.
fn spread(v: u32) -> u64 {
    let mut x = u64::from(v);
    x = (x | (x << 16)) & 0x0000_FFFF_0000_FFFF;
    x = (x | (x << 8)) & 0x00FF_00FF_00FF_00FF;
    x = (x | (x << 4)) & 0x0F0F_0F0F_0F0F_0F0F;
    x = (x | (x << 2)) & 0x3333_3333_3333_3333;
    (x | (x << 1)) & 0x5555_5555_5555_5555
}

/// Gathers the even bits of `v` into 32 bits.
fn squash(v: u64) -> u32 {
    let mut x = v & 0x5555_5555_5555_5555;
    x = (x | (x >> 1)) & 0x3333_3333_3333_3333;
    x = (x | (x >> 2)) & 0x0F0F_0F0F_0F0F_0F0F;
    x = (x | (x >> 4)) & 0x00FF_00FF_00FF_00FF;
    x = (x | (x >> 8)) & 0x0000_FFFF_0000_FFFF;
    x = (x | (x >> 16)) & 0x0000_0000_FFFF_FFFF;
    x as u32
}

/// `interleave64`: latitude bits at even positions, longitude bits at odd ones.
fn interleave(lat: u32, lon: u32) -> u64 {
    spread(lat) | (spread(lon) << 1)
}

/// `deinterleave64`: the latitude and longitude bits of a cell.
fn deinterleave(bits: u64) -> (u32, u32) {
    (squash(bits), squash(bits >> 1))
}

/// C's conversion of a double to a `uint32_t` for the offsets of [`encode`], which lie in
/// `0..=2^step`: truncation.
fn offset_bits(offset: f64) -> u32 {
    offset as u64 as u32
}

/// `geohashEncode`: the cell of `step` bits holding a position within `ranges`; `None` for a
/// position outside Redis's ranges or `ranges`, or a step beyond 1..=32.
fn encode(ranges: &[Span; 2], lon: f64, lat: f64, step: u8) -> Option<Cell> {
    if step == 0 || step > 32 {
        return None;
    }
    if !(LON_MIN..=LON_MAX).contains(&lon) || !(LAT_MIN..=LAT_MAX).contains(&lat) {
        return None;
    }
    let [lon_range, lat_range] = ranges;
    if lat < lat_range.min || lat > lat_range.max || lon < lon_range.min || lon > lon_range.max {
        return None;
    }
    let scale = (1u64 << step) as f64;
    let lat_offset = (lat - lat_range.min) / (lat_range.max - lat_range.min) * scale;
    let lon_offset = (lon - lon_range.min) / (lon_range.max - lon_range.min) * scale;
    Some(Cell {
        bits: interleave(offset_bits(lat_offset), offset_bits(lon_offset)),
        step,
    })
}

/// `geohashDecode`: the area of a cell within `ranges`; `None` for the zero cell.
fn decode(ranges: &[Span; 2], cell: Cell) -> Option<Area> {
    if cell.is_zero() {
        return None;
    }
    let (lat_bits, lon_bits) = deinterleave(cell.bits);
    let cells = (1u64 << cell.step.min(63)) as f64;
    let [lon_range, lat_range] = ranges;
    let lat_scale = lat_range.max - lat_range.min;
    let lon_scale = lon_range.max - lon_range.min;
    // As in C, `bits + 1` wraps in 32 bits.
    let edge = |base: f64, scale: f64, n: u32| base + (f64::from(n) / cells) * scale;
    Some([
        Span {
            min: edge(lon_range.min, lon_scale, lon_bits),
            max: edge(lon_range.min, lon_scale, lon_bits.wrapping_add(1)),
        },
        Span {
            min: edge(lat_range.min, lat_scale, lat_bits),
            max: edge(lat_range.min, lat_scale, lat_bits.wrapping_add(1)),
        },
    ])
}

/// `geohashDecodeAreaToLongLat`: the centre of an area, held within Redis's ranges.
fn centre(area: &Area) -> [f64; 2] {
    let lon = ((area[0].min + area[0].max) / 2.0).clamp(LON_MIN, LON_MAX);
    let lat = ((area[1].min + area[1].max) / 2.0).clamp(LAT_MIN, LAT_MAX);
    [lon, lat]
}

/// `geohashAlign52Bits`: a cell's bits as the score of its lowest position.
fn align52(cell: Cell) -> u64 {
    cell.bits << (52 - u32::from(cell.step) * 2)
}

/// The score GEOADD stores for a position within Redis's ranges.
fn score_of(lon: f64, lat: f64) -> Option<f64> {
    encode(&WGS84, lon, lat, STEP_MAX).map(|cell| align52(cell) as f64)
}

/// C's conversion of a double to `long long` on x86-64 (`cvttsd2si`): truncation, and
/// `i64::MIN` for NaN and whatever lies outside the range.
fn c_i64(x: f64) -> i64 {
    if x.is_nan() || !(-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&x) {
        i64::MIN
    } else {
        x as i64
    }
}

/// C's conversion of a double to `uint64_t` as GCC compiles it for x86-64: values below 2^63
/// (negative ones and NaN included) go through the signed conversion, larger ones are
/// converted less 2^63 with the top bit flipped back (so 2^64 and beyond give 0).
fn c_u64(x: f64) -> u64 {
    const TWO_63: f64 = 9_223_372_036_854_775_808.0;
    if x.is_nan() || x < TWO_63 {
        c_i64(x) as u64
    } else {
        (c_i64(x - TWO_63) as u64) ^ (1 << 63)
    }
}

/// `decodeGeohash`: the position a score names, whatever the score (Redis reads any score of
/// a sorted set as a cell, converting it to an integer as C does).
fn position_of(score: f64) -> [f64; 2] {
    let cell = Cell {
        bits: c_u64(score),
        step: STEP_MAX,
    };
    // A cell of step 26 is never the zero cell.
    decode(&WGS84, cell).map_or([0.0, 0.0], |area| centre(&area))
}

/// `GEOHASH`'s string for a score: the position re-encoded over the standard ranges, as 11
/// base32 characters of which the last, beyond the 52 bits, is always `0`.
fn geohash_of(score: f64) -> String {
    let [lon, lat] = position_of(score);
    let bits = encode(&STANDARD, lon, lat, STEP_MAX).map_or(0, |cell| cell.bits);
    (0..11)
        .map(|i| {
            let index = if i == 10 {
                0
            } else {
                (bits >> (52 - (i + 1) * 5)) & 0x1f
            };
            char::from(GEOHASH_ALPHABET[index as usize])
        })
        .collect()
}

/// `geohash_move_x`: the cell `d` cells east (or with a negative `d` west), wrapping around.
fn move_x(cell: Cell, d: i8) -> Cell {
    if d == 0 {
        return cell;
    }
    let shift = 64 - u32::from(cell.step) * 2;
    let mut x = cell.bits & 0xaaaa_aaaa_aaaa_aaaa;
    let y = cell.bits & 0x5555_5555_5555_5555;
    let zz = 0x5555_5555_5555_5555u64 >> shift;
    if d > 0 {
        x = x.wrapping_add(zz + 1);
    } else {
        x = (x | zz).wrapping_sub(zz + 1);
    }
    x &= 0xaaaa_aaaa_aaaa_aaaa >> shift;
    Cell {
        bits: x | y,
        step: cell.step,
    }
}

/// `geohash_move_y`: the cell `d` cells north (or with a negative `d` south), wrapping around.
fn move_y(cell: Cell, d: i8) -> Cell {
    if d == 0 {
        return cell;
    }
    let shift = 64 - u32::from(cell.step) * 2;
    let x = cell.bits & 0xaaaa_aaaa_aaaa_aaaa;
    let mut y = cell.bits & 0x5555_5555_5555_5555;
    let zz = 0xaaaa_aaaa_aaaa_aaaau64 >> shift;
    if d > 0 {
        y = y.wrapping_add(zz + 1);
    } else {
        y = (y | zz).wrapping_sub(zz + 1);
    }
    y &= 0x5555_5555_5555_5555 >> shift;
    Cell {
        bits: x | y,
        step: cell.step,
    }
}

/// The eight neighbours of a cell.
#[derive(Clone, Copy, Debug)]
struct Neighbours {
    north: Cell,
    south: Cell,
    east: Cell,
    west: Cell,
    north_east: Cell,
    north_west: Cell,
    south_east: Cell,
    south_west: Cell,
}

/// `geohashNeighbors`.
fn neighbours(cell: Cell) -> Neighbours {
    let at = |dx: i8, dy: i8| move_y(move_x(cell, dx), dy);
    Neighbours {
        north: at(0, 1),
        south: at(0, -1),
        east: at(1, 0),
        west: at(-1, 0),
        north_east: at(1, 1),
        north_west: at(-1, 1),
        south_east: at(1, -1),
        south_west: at(-1, -1),
    }
}

fn deg_rad(angle: f64) -> f64 {
    angle * D_R
}

fn rad_deg(angle: f64) -> f64 {
    angle / D_R
}

/// `geohashGetLatDistance`: the distance in meters between two latitudes on one meridian.
fn lat_distance(lat1: f64, lat2: f64) -> f64 {
    EARTH_RADIUS_METERS * (deg_rad(lat2) - deg_rad(lat1)).abs()
}

/// `geohashGetDistance` as Redis 7.0 computes it: the haversine distance in meters on a
/// sphere of Redis's earth radius, or [`lat_distance`] when the longitudes are so close that
/// the sine of half their difference is 0.
fn distance(lon1: f64, lat1: f64, lon2: f64, lat2: f64) -> f64 {
    let lon1r = deg_rad(lon1);
    let lon2r = deg_rad(lon2);
    let v = ((lon2r - lon1r) / 2.0).sin();
    if v == 0.0 {
        return lat_distance(lat1, lat2);
    }
    let lat1r = deg_rad(lat1);
    let lat2r = deg_rad(lat2);
    let u = ((lat2r - lat1r) / 2.0).sin();
    let a = u * u + lat1r.cos() * lat2r.cos() * v * v;
    2.0 * EARTH_RADIUS_METERS * a.sqrt().asin()
}

/// What a search covers.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Extent {
    /// A circle of this radius, in the search's unit.
    Radius(f64),
    /// An axis-aligned box of this width and height, in the search's unit.
    Box { width: f64, height: f64 },
}

/// A search area: `GeoShape`.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Shape {
    /// Longitude and latitude of the centre.
    centre: [f64; 2],
    /// The circle or box.
    extent: Extent,
    /// Meters per unit.
    conversion: f64,
}

impl Shape {
    /// `geohashBoundingBox`: the least and greatest longitude and latitude the shape reaches,
    /// as `[min_lon, min_lat, max_lon, max_lat]`.
    fn bounds(&self) -> [f64; 4] {
        let [lon, lat] = self.centre;
        let (height, width) = match self.extent {
            Extent::Radius(r) => (self.conversion * r, self.conversion * r),
            Extent::Box { width, height } => (
                self.conversion * (height / 2.0),
                self.conversion * (width / 2.0),
            ),
        };
        let lat_delta = rad_deg(height / EARTH_RADIUS_METERS);
        let lon_delta_top = rad_deg(width / EARTH_RADIUS_METERS / deg_rad(lat + lat_delta).cos());
        let lon_delta_bottom =
            rad_deg(width / EARTH_RADIUS_METERS / deg_rad(lat - lat_delta).cos());
        let lon_delta = if lat < 0.0 {
            lon_delta_bottom
        } else {
            lon_delta_top
        };
        [
            lon - lon_delta,
            lat - lat_delta,
            lon + lon_delta,
            lat + lat_delta,
        ]
    }

    /// The distance from the centre to the farthest point of the shape, in meters.
    fn radius_meters(&self) -> f64 {
        let r = match self.extent {
            Extent::Radius(r) => r,
            Extent::Box { width, height } => {
                ((width / 2.0) * (width / 2.0) + (height / 2.0) * (height / 2.0)).sqrt()
            }
        };
        r * self.conversion
    }

    /// `geoWithinShape`: the distance in meters from the centre to a position in the shape,
    /// `None` for a position outside it.
    fn contains(&self, [x, y]: [f64; 2]) -> Option<f64> {
        let [cx, cy] = self.centre;
        match self.extent {
            Extent::Radius(r) => {
                let d = distance(cx, cy, x, y);
                (d <= r * self.conversion || d.is_nan()).then_some(d)
            }
            Extent::Box { width, height } => {
                // `geohashGetDistanceIfInRectangle`: each half of the box on its own axis.
                if lat_distance(y, cy) > height * self.conversion / 2.0
                    || distance(x, y, cx, y) > width * self.conversion / 2.0
                {
                    return None;
                }
                Some(distance(cx, cy, x, y))
            }
        }
    }

    /// `geohashCalculateAreasByShapeWGS84`: the cells to walk, in Redis's order (the centre's,
    /// then north, south, east, west, north-east, north-west, south-east and south-west), the
    /// neighbours the shape cannot reach being the zero cell.
    fn cells(&self) -> [Cell; 9] {
        let [min_lon, min_lat, max_lon, max_lat] = self.bounds();
        let [lon, lat] = self.centre;
        let mut step = estimate_step(self.radius_meters(), lat);
        let at = |step: u8| {
            let cell = encode(&WGS84, lon, lat, step).unwrap_or(Cell { bits: 0, step });
            (cell, neighbours(cell), decode(&WGS84, cell))
        };
        let (mut cell, mut around, mut area) = at(step);
        // A step whose neighbours stop short of the shape on some side is one too fine.
        let edge = |c: Cell| decode(&WGS84, c);
        let short = edge(around.north).is_some_and(|a| a[1].max < max_lat)
            || edge(around.south).is_some_and(|a| a[1].min > min_lat)
            || edge(around.east).is_some_and(|a| a[0].max < max_lon)
            || edge(around.west).is_some_and(|a| a[0].min > min_lon);
        if step > 1 && short {
            step -= 1;
            (cell, around, area) = at(step);
        }
        if step >= 2
            && let Some([lon_span, lat_span]) = area
        {
            if lat_span.min < min_lat {
                around.south = Cell::ZERO;
                around.south_west = Cell::ZERO;
                around.south_east = Cell::ZERO;
            }
            if lat_span.max > max_lat {
                around.north = Cell::ZERO;
                around.north_east = Cell::ZERO;
                around.north_west = Cell::ZERO;
            }
            if lon_span.min < min_lon {
                around.west = Cell::ZERO;
                around.south_west = Cell::ZERO;
                around.north_west = Cell::ZERO;
            }
            if lon_span.max > max_lon {
                around.east = Cell::ZERO;
                around.south_east = Cell::ZERO;
                around.north_east = Cell::ZERO;
            }
        }
        [
            cell,
            around.north,
            around.south,
            around.east,
            around.west,
            around.north_east,
            around.north_west,
            around.south_east,
            around.south_west,
        ]
    }
}

/// `geohashEstimateStepsByRadius`: the bits per coordinate of cells about as large as the
/// search, coarser towards the poles.
fn estimate_step(range_meters: f64, lat: f64) -> u8 {
    if range_meters == 0.0 {
        return STEP_MAX;
    }
    let mut range = range_meters;
    let mut step: i32 = 1;
    while range < MERCATOR_MAX {
        range *= 2.0;
        step += 1;
    }
    step -= 2;
    if !(-66.0..=66.0).contains(&lat) {
        step -= 1;
        if !(-80.0..=80.0).contains(&lat) {
            step -= 1;
        }
    }
    step.clamp(1, i32::from(STEP_MAX)) as u8
}

/// A sorted set as the geo commands read it.
pub(super) enum GeoSet<'a> {
    /// A packed sorted set's members and scores, in `(score, member)` order.
    Packed(Vec<(f64, &'a [u8])>),
    /// A big sorted set's index.
    Indexed(&'a Scores),
}

impl<'a> GeoSet<'a> {
    /// The score of `member`.
    fn score(&self, member: &[u8]) -> Option<f64> {
        match self {
            GeoSet::Packed(items) => items.iter().find(|(_, m)| *m == member).map(|(s, _)| *s),
            GeoSet::Indexed(scores) => scores.score(member),
        }
    }

    /// The members with `min <= score < max`, in order; a big sorted set is searched through
    /// its index.
    fn between(&self, min: f64, max: f64) -> Vec<(f64, &'a [u8])> {
        match self {
            GeoSet::Packed(items) => {
                let first = items.partition_point(|(s, _)| *s < min);
                items[first..]
                    .iter()
                    .take_while(|(s, _)| *s < max)
                    .copied()
                    .collect()
            }
            GeoSet::Indexed(scores) => {
                let range = ZRange::Score(
                    ScoreBound {
                        value: min,
                        exclusive: false,
                    },
                    ScoreBound {
                        value: max,
                        exclusive: true,
                    },
                );
                scores.range(&range, false, None).unwrap_or_default()
            }
        }
    }
}

/// Access to the sorted sets of the keyspace.
pub(super) trait GeoSets {
    /// The sorted set at `key` (`None` for a missing key); WRONGTYPE for another type.
    fn geo_set(&self, key: &[u8], now: i64) -> Result<Option<GeoSet<'_>>, CommandError>;
}

/// What a geo command comes to.
#[derive(Debug, PartialEq)]
pub(super) enum Outcome {
    /// The reply.
    Reply(pb::Reply),
    /// A write the caller makes: `dest` replaced by these scored members (deleted when there
    /// are none), answering their number.
    Store {
        /// The key stored.
        dest: Bytes,
        /// Scores and members, each member once.
        items: Vec<(f64, Bytes)>,
    },
}

/// Whether `name` is a geo command run by [`run`] (every one but GEOADD).
pub(super) fn is_geo_command(name: &str) -> bool {
    matches!(
        name,
        "geopos"
            | "geodist"
            | "geohash"
            | "georadius"
            | "georadius_ro"
            | "georadiusbymember"
            | "georadiusbymember_ro"
            | "geosearch"
            | "geosearchstore"
    )
}

/// Whether a GEORADIUS or GEORADIUSBYMEMBER (`name`, whole command in `args`) may store: an
/// argument after the fixed ones reads STORE or STOREDIST. Without one it only reads.
pub(super) fn may_store(name: &str, args: &[Bytes]) -> bool {
    let fixed = if name == "georadius" { 6 } else { 5 };
    args.iter()
        .skip(fixed)
        .any(|a| is(a, "store") || is(a, "storedist"))
}

/// Whether an argument equals `word` ignoring ASCII case, as C's `strcasecmp` sees it: up to
/// its first NUL byte.
fn is(arg: &[u8], word: &str) -> bool {
    let end = arg.iter().position(|&b| b == 0).unwrap_or(arg.len());
    arg[..end].eq_ignore_ascii_case(word.as_bytes())
}

/// `GEOADD key [NX|XX] [CH] longitude latitude member...` (`a` without the name), which
/// Redis runs as a ZADD of the members' scores: checked in Redis's order.
///
/// # Errors
/// A syntax error for a bad option or a missing part of a triple, a float error for a
/// coordinate that is not one, and Redis's message for a pair outside its ranges.
pub(super) fn parse_add(a: &[Bytes]) -> Result<super::Command, CommandError> {
    let mut flags = ZAddFlags::default();
    let mut at = 1;
    while let Some(option) = a.get(at) {
        if is(option, "nx") {
            flags.nx = true;
        } else if is(option, "xx") {
            flags.xx = true;
        } else if is(option, "ch") {
            flags.ch = true;
        } else {
            break;
        }
        at += 1;
    }
    let rest = &a[at..];
    // ZADD, which GEOADD hands its arguments to, refuses an empty list too.
    if !rest.len().is_multiple_of(3) || (flags.nx && flags.xx) || rest.is_empty() {
        return Err(CommandError::Syntax);
    }
    let mut pairs = Vec::with_capacity(rest.len() / 3);
    for triple in rest.chunks_exact(3) {
        let [lon, lat] = lon_lat(&triple[0], &triple[1])?;
        let score = score_of(lon, lat).ok_or_else(|| invalid_pair(lon, lat))?;
        pairs.push((score, triple[2].clone()));
    }
    Ok(super::Command::ZAdd {
        key: a[0].clone(),
        pairs,
        flags,
    })
}

/// A coordinate or distance argument, read as Redis reads a double argument.
fn float(arg: &[u8], error: CommandError) -> Result<f64, CommandError> {
    zset::parse_score(arg).ok_or(error)
}

/// Redis's error for a position outside its ranges, with C's `%f`.
fn invalid_pair(lon: f64, lat: f64) -> CommandError {
    CommandError::Owned(format!("invalid longitude,latitude pair {lon:.6},{lat:.6}"))
}

/// `extractLongLatOrReply`: a longitude and a latitude within Redis's ranges.
fn lon_lat(lon: &[u8], lat: &[u8]) -> Result<[f64; 2], CommandError> {
    let lon = float(lon, CommandError::NotFloat)?;
    let lat = float(lat, CommandError::NotFloat)?;
    if !(LON_MIN..=LON_MAX).contains(&lon) || !(LAT_MIN..=LAT_MAX).contains(&lat) {
        return Err(invalid_pair(lon, lat));
    }
    Ok([lon, lat])
}

/// `extractUnitOrReply`: meters per unit.
fn unit(arg: &[u8]) -> Result<f64, CommandError> {
    Ok(if is(arg, "m") {
        1.0
    } else if is(arg, "km") {
        1000.0
    } else if is(arg, "ft") {
        0.3048
    } else if is(arg, "mi") {
        1609.34
    } else {
        return Err(CommandError::Message(
            "unsupported unit provided. please use M, KM, FT, MI",
        ));
    })
}

/// `extractDistanceOrReply`: a radius and its unit's meters.
fn radius(value: &[u8], unit_arg: &[u8]) -> Result<(f64, f64), CommandError> {
    let r = float(value, CommandError::Message("need numeric radius"))?;
    if r < 0.0 {
        return Err(CommandError::Message("radius cannot be negative"));
    }
    Ok((r, unit(unit_arg)?))
}

/// `extractBoxOrReply`: a width, a height and their unit's meters.
fn box_size(a: &[Bytes]) -> Result<(f64, f64, f64), CommandError> {
    let width = float(&a[0], CommandError::Message("need numeric width"))?;
    let height = float(&a[1], CommandError::Message("need numeric height"))?;
    if height < 0.0 || width < 0.0 {
        return Err(CommandError::Message("height or width cannot be negative"));
    }
    Ok((width, height, unit(&a[2])?))
}

/// The position of `member` in `set`, as a search centre.
fn member_position(set: &GeoSet<'_>, member: &[u8]) -> Result<[f64; 2], CommandError> {
    set.score(member)
        .map(position_of)
        .ok_or(CommandError::Message(
            "could not decode requested zset member",
        ))
}

/// A distance as Redis answers it (`fixedpoint_d2string` with four decimals): the distance
/// times 10^4 rounded to an integer as `llrint` rounds (ties to even, after the product's own
/// rounding, so not always as `%.4f` would), then split at the fourth digit.
fn format_distance(d: f64) -> String {
    if d == 0.0 {
        return "0.0000".into();
    }
    let scaled = d * 10_000.0;
    let rounded = scaled.round_ties_even();
    // `llrint` answers the smallest `long long` for NaN and out-of-range values.
    let n = if rounded.is_nan()
        || !(-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&rounded)
    {
        i64::MIN
    } else {
        rounded as i64
    };
    let sign = if n < 0 { "-" } else { "" };
    let value = n.unsigned_abs();
    format!("{sign}{}.{:04}", value / 10_000, value % 10_000)
}

/// A coordinate as Redis answers it (`addReplyHumanLongDouble`): the exact value to 17
/// decimals, without trailing zeros, `-0` as `0`.
fn format_coordinate(x: f64) -> String {
    if x.is_infinite() {
        return if x > 0.0 { "inf" } else { "-inf" }.into();
    }
    let mut text = format!("{x:.17}");
    if text.contains('.') {
        let kept = text.trim_end_matches('0').trim_end_matches('.').len();
        text.truncate(kept);
    }
    if text == "-0" {
        text.remove(0);
    }
    text
}

/// A position as GEOPOS and WITHCOORD answer it.
fn coordinates_reply([lon, lat]: [f64; 2]) -> pb::Reply {
    reply::array(vec![
        reply::double_text(format_coordinate(lon)),
        reply::double_text(format_coordinate(lat)),
    ])
}

/// Runs a geo command but GEOADD; `name` is its lowercase name and `args` the whole command,
/// its name as sent first (errors quote it).
///
/// # Errors
/// Redis's errors, in Redis's order: WRONGTYPE before the arguments of a search, a GEODIST
/// unit before the key.
pub(super) fn run(
    state: &impl GeoSets,
    name: &str,
    args: &[Bytes],
    now: i64,
) -> Result<Outcome, CommandError> {
    match name {
        "geopos" | "geohash" => {
            let set = state.geo_set(&args[1], now)?;
            let items = args[2..]
                .iter()
                .map(|member| {
                    let score = set.as_ref().and_then(|s| s.score(member));
                    match (name, score) {
                        ("geopos", Some(score)) => coordinates_reply(position_of(score)),
                        ("geopos", None) => reply::null_array(),
                        (_, Some(score)) => reply::bulk(Bytes::from(geohash_of(score))),
                        (_, None) => reply::null(),
                    }
                })
                .collect();
            Ok(Outcome::Reply(reply::array(items)))
        }
        "geodist" => {
            let to_meters = match args.len() {
                4 => 1.0,
                5 => unit(&args[4])?,
                _ => return Err(CommandError::Syntax),
            };
            let Some(set) = state.geo_set(&args[1], now)? else {
                return Ok(Outcome::Reply(reply::null()));
            };
            let (Some(a), Some(b)) = (set.score(&args[2]), set.score(&args[3])) else {
                return Ok(Outcome::Reply(reply::null()));
            };
            let ([lon1, lat1], [lon2, lat2]) = (position_of(a), position_of(b));
            let d = distance(lon1, lat1, lon2, lat2) / to_meters;
            Ok(Outcome::Reply(reply::bulk(Bytes::from(format_distance(d)))))
        }
        _ => search(state, name, args, now),
    }
}

/// How a search orders its results.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Order {
    /// In the order the cells were walked.
    Unsorted,
    /// Nearest first.
    Ascending,
    /// Farthest first.
    Descending,
}

/// One member found by a search: `geoPoint`.
#[derive(Clone, Copy, Debug)]
struct Point<'a> {
    /// Its position.
    position: [f64; 2],
    /// Meters from the centre.
    dist: f64,
    /// Its score.
    score: f64,
    /// The member.
    member: &'a [u8],
}

/// `membersOfAllNeighbors`: the members of `set` in `shape`, walking its cells in Redis's
/// order and stopping once `limit` are found (0: no limit).
fn find<'a>(set: &GeoSet<'a>, shape: &Shape, limit: usize) -> Vec<Point<'a>> {
    let cells = shape.cells();
    let mut found = Vec::new();
    let mut last: Option<Cell> = None;
    for (i, &cell) in cells.iter().enumerate() {
        if cell.is_zero() {
            continue;
        }
        // Redis skips a range equal to the one walked just before, but only once one besides
        // the centre's was walked.
        if i > 0 && last.is_some_and(|l| l == cell) {
            continue;
        }
        if limit > 0 && found.len() >= limit {
            break;
        }
        let min = align52(cell) as f64;
        let max = align52(Cell {
            bits: cell.bits.wrapping_add(1),
            step: cell.step,
        }) as f64;
        for (score, member) in set.between(min, max) {
            let position = position_of(score);
            if let Some(dist) = shape.contains(position) {
                found.push(Point {
                    position,
                    dist,
                    score,
                    member,
                });
            }
            if limit > 0 && found.len() >= limit {
                break;
            }
        }
        if i > 0 {
            last = Some(cell);
        }
    }
    found
}

/// Redis's comparison of two found members by distance: 1, 0 or -1 (NaN compares below).
fn by_distance(a: &Point<'_>, b: &Point<'_>) -> i32 {
    if a.dist > b.dist {
        1
    } else if a.dist == b.dist {
        0
    } else {
        -1
    }
}

/// glibc's `qsort` for the arrays a search sorts: a top-down merge sort, the left run's
/// element first on a tie, so stable.
fn merge_sort<T: Copy>(v: &mut [T], cmp: &impl Fn(&T, &T) -> i32) {
    let n = v.len();
    if n <= 1 {
        return;
    }
    let n1 = n / 2;
    merge_sort(&mut v[..n1], cmp);
    merge_sort(&mut v[n1..], cmp);
    let mut merged = Vec::with_capacity(n);
    let (mut i, mut j) = (0, n1);
    while i < n1 && j < n {
        if cmp(&v[i], &v[j]) <= 0 {
            merged.push(v[i]);
            i += 1;
        } else {
            merged.push(v[j]);
            j += 1;
        }
    }
    merged.extend_from_slice(&v[i..n1]);
    // What is left of the right run is in place already.
    let done = merged.len();
    v[..done].copy_from_slice(&merged);
}

/// Redis's `pqsort`: sorts `v` enough that positions `left..=right` hold what a full sort
/// puts there (NetBSD's quicksort, recursing only into parts that overlap those positions).
fn partial_sort<T>(v: &mut [T], cmp: &impl Fn(&T, &T) -> i32, left: usize, right: usize) {
    pqsort(v, 0, v.len(), cmp, left, right);
}

/// `med3`: the position of the median of three.
fn med3<T>(v: &[T], a: usize, b: usize, c: usize, cmp: &impl Fn(&T, &T) -> i32) -> usize {
    if cmp(&v[a], &v[b]) < 0 {
        if cmp(&v[b], &v[c]) < 0 {
            b
        } else if cmp(&v[a], &v[c]) < 0 {
            c
        } else {
            a
        }
    } else if cmp(&v[b], &v[c]) > 0 {
        b
    } else if cmp(&v[a], &v[c]) < 0 {
        a
    } else {
        c
    }
}

/// Swaps `n` elements from `a` on with `n` from `b` on, in order.
fn swap_runs<T>(v: &mut [T], a: usize, b: usize, n: usize) {
    for k in 0..n {
        v.swap(a + k, b + k);
    }
}

/// `_pqsort` over the `n` elements of `v` from `lo` on, for the positions `left..=right`.
fn pqsort<T>(
    v: &mut [T],
    mut lo: usize,
    mut n: usize,
    cmp: &impl Fn(&T, &T) -> i32,
    left: usize,
    right: usize,
) {
    loop {
        if n < 7 {
            for m in lo + 1..lo + n {
                let mut l = m;
                while l > lo && cmp(&v[l - 1], &v[l]) > 0 {
                    v.swap(l, l - 1);
                    l -= 1;
                }
            }
            return;
        }
        let mut pm = lo + n / 2;
        if n > 7 {
            let mut pl = lo;
            let mut pn = lo + n - 1;
            if n > 40 {
                let d = n / 8;
                pl = med3(v, pl, pl + d, pl + 2 * d, cmp);
                pm = med3(v, pm - d, pm, pm + d, cmp);
                pn = med3(v, pn - 2 * d, pn - d, pn, cmp);
            }
            pm = med3(v, pl, pm, pn, cmp);
        }
        v.swap(lo, pm);
        // Signed so that the scans may step one past each other.
        let (mut pa, mut pb) = (lo as isize + 1, lo as isize + 1);
        let (mut pc, mut pd) = ((lo + n - 1) as isize, (lo + n - 1) as isize);
        loop {
            while pb <= pc {
                let c = cmp(&v[pb as usize], &v[lo]);
                if c > 0 {
                    break;
                }
                if c == 0 {
                    v.swap(pa as usize, pb as usize);
                    pa += 1;
                }
                pb += 1;
            }
            while pb <= pc {
                let c = cmp(&v[pc as usize], &v[lo]);
                if c < 0 {
                    break;
                }
                if c == 0 {
                    v.swap(pc as usize, pd as usize);
                    pd -= 1;
                }
                pc -= 1;
            }
            if pb > pc {
                break;
            }
            v.swap(pb as usize, pc as usize);
            pb += 1;
            pc -= 1;
        }
        let (pa, pb, pc, pd) = (pa as usize, pb as usize, pc as usize, pd as usize);
        let end = lo + n;
        let r = (pa - lo).min(pb - pa);
        swap_runs(v, lo, pb - r, r);
        let r = (pd - pc).min(end - pd - 1);
        swap_runs(v, pb, end - r, r);
        let overlaps = |start: usize, len: usize| !(right < start || left > start + len - 1);
        let below = pb - pa;
        if below > 1 && overlaps(lo, below) {
            pqsort(v, lo, below, cmp, left, right);
        }
        let above = pd - pc;
        if above > 1 && overlaps(end - above, above) {
            lo = end - above;
            n = above;
            continue;
        }
        return;
    }
}

/// The variant of GEORADIUS or GEOSEARCH a command is.
#[derive(Clone, Copy, Debug)]
struct Variant {
    /// GEORADIUS: the centre is a longitude and a latitude.
    coords: bool,
    /// GEORADIUSBYMEMBER: the centre is a member.
    member: bool,
    /// The `_RO` forms: no STORE.
    no_store: bool,
    /// GEOSEARCH and GEOSEARCHSTORE.
    search: bool,
    /// GEOSEARCHSTORE.
    search_store: bool,
}

/// GEORADIUS, GEORADIUSBYMEMBER, their `_RO` forms, GEOSEARCH and GEOSEARCHSTORE
/// (`georadiusGeneric`), checked and run in Redis's order.
fn search(
    state: &impl GeoSets,
    name: &str,
    args: &[Bytes],
    now: i64,
) -> Result<Outcome, CommandError> {
    let variant = Variant {
        coords: name.starts_with("georadius") && !name.starts_with("georadiusbymember"),
        member: name.starts_with("georadiusbymember"),
        no_store: name.ends_with("_ro"),
        search: name.starts_with("geosearch"),
        search_store: name == "geosearchstore",
    };
    let source = if variant.search_store {
        &args[2]
    } else {
        &args[1]
    };
    let set = state.geo_set(source, now)?;

    let mut centre = [0.0, 0.0];
    let mut extent = None;
    let mut conversion = 1.0;
    let mut store: Option<&Bytes> = None;
    let fixed;
    if variant.coords {
        fixed = 6;
        centre = lon_lat(&args[2], &args[3])?;
        let (r, c) = radius(&args[4], &args[5])?;
        (extent, conversion) = (Some(Extent::Radius(r)), c);
    } else if variant.member {
        fixed = 5;
        // Without the key Redis still reads the options, to know which empty reply to give.
        if let Some(set) = &set {
            centre = member_position(set, &args[2])?;
            let (r, c) = radius(&args[3], &args[4])?;
            (extent, conversion) = (Some(Extent::Radius(r)), c);
        }
    } else if variant.search_store {
        fixed = 3;
        store = Some(&args[1]);
    } else {
        fixed = 2;
    }

    let (mut with_dist, mut with_hash, mut with_coord) = (false, false, false);
    let (mut from_member, mut from_lon_lat, mut by_radius, mut by_box) =
        (false, false, false, false);
    let mut order = Order::Unsorted;
    let mut any = false;
    let mut count: i64 = 0;
    let mut store_dist = false;
    let rest = &args[fixed..];
    let mut i = 0;
    while i < rest.len() {
        let arg = &rest[i];
        let left = rest.len() - i - 1;
        if is(arg, "withdist") {
            with_dist = true;
        } else if is(arg, "withhash") {
            with_hash = true;
        } else if is(arg, "withcoord") {
            with_coord = true;
        } else if is(arg, "any") {
            any = true;
        } else if is(arg, "asc") {
            order = Order::Ascending;
        } else if is(arg, "desc") {
            order = Order::Descending;
        } else if is(arg, "count") && left >= 1 {
            count = super::command::parse_i64(&rest[i + 1])?;
            if count <= 0 {
                return Err(CommandError::Message("COUNT must be > 0"));
            }
            i += 1;
        } else if (is(arg, "store") || is(arg, "storedist"))
            && left >= 1
            && !variant.no_store
            && !variant.search
        {
            store = Some(&rest[i + 1]);
            store_dist = is(arg, "storedist");
            i += 1;
        } else if is(arg, "storedist") && variant.search_store {
            store_dist = true;
        } else if is(arg, "frommember") && left >= 1 && variant.search && !from_lon_lat {
            if let Some(set) = &set {
                centre = member_position(set, &rest[i + 1])?;
            }
            from_member = true;
            i += 1;
        } else if is(arg, "fromlonlat") && left >= 2 && variant.search && !from_member {
            centre = lon_lat(&rest[i + 1], &rest[i + 2])?;
            from_lon_lat = true;
            i += 2;
        } else if is(arg, "byradius") && left >= 2 && variant.search && !by_box {
            let (r, c) = radius(&rest[i + 1], &rest[i + 2])?;
            (extent, conversion) = (Some(Extent::Radius(r)), c);
            by_radius = true;
            i += 2;
        } else if is(arg, "bybox") && left >= 3 && variant.search && !by_radius {
            let (width, height, c) = box_size(&rest[i + 1..i + 4])?;
            (extent, conversion) = (Some(Extent::Box { width, height }), c);
            by_box = true;
            i += 3;
        } else {
            return Err(CommandError::Syntax);
        }
        i += 1;
    }

    if store.is_some() && (with_dist || with_hash || with_coord) {
        let what = if variant.search_store {
            "GEOSEARCHSTORE"
        } else {
            "STORE option in GEORADIUS"
        };
        return Err(CommandError::Owned(format!(
            "{what} is not compatible with WITHDIST, WITHHASH and WITHCOORD options"
        )));
    }
    let typed_name = || super::command::lossy(&args[0], 128);
    if variant.search && !(from_member || from_lon_lat) {
        return Err(CommandError::Owned(format!(
            "exactly one of FROMMEMBER or FROMLONLAT can be specified for {}",
            typed_name()
        )));
    }
    if variant.search && !(by_radius || by_box) {
        return Err(CommandError::Owned(format!(
            "exactly one of BYRADIUS and BYBOX can be specified for {}",
            typed_name()
        )));
    }
    if any && count == 0 {
        return Err(CommandError::Message(
            "the ANY argument requires COUNT argument",
        ));
    }
    let (Some(set), Some(extent)) = (set, extent) else {
        return Ok(match store {
            Some(dest) => Outcome::Store {
                dest: dest.clone(),
                items: Vec::new(),
            },
            None => Outcome::Reply(reply::array(Vec::new())),
        });
    };
    // COUNT without an order means the nearest ones; with ANY, the first found.
    if count != 0 && order == Order::Unsorted && !any {
        order = Order::Ascending;
    }
    let shape = Shape {
        centre,
        extent,
        conversion,
    };
    let count = usize::try_from(count).unwrap_or(usize::MAX);
    let mut found = find(&set, &shape, if any { count } else { 0 });
    if found.is_empty() && store.is_none() {
        return Ok(Outcome::Reply(reply::array(Vec::new())));
    }
    let returned = if count == 0 {
        found.len()
    } else {
        found.len().min(count)
    };
    if order != Order::Unsorted {
        let cmp = |a: &Point<'_>, b: &Point<'_>| {
            let c = by_distance(a, b);
            if order == Order::Descending { -c } else { c }
        };
        if returned == found.len() {
            merge_sort(&mut found, &cmp);
        } else {
            partial_sort(&mut found, &cmp, 0, returned - 1);
        }
    }
    found.truncate(returned);

    if let Some(dest) = store {
        let mut seen = std::collections::BTreeSet::new();
        let items = found
            .iter()
            .filter(|p| seen.insert(p.member))
            .map(|p| {
                let score = if store_dist {
                    p.dist / conversion
                } else {
                    p.score
                };
                (score, Bytes::copy_from_slice(p.member))
            })
            // Redis would stop on a NaN score; none comes from a real position.
            .filter(|(score, _)| !score.is_nan())
            .collect();
        return Ok(Outcome::Store {
            dest: dest.clone(),
            items,
        });
    }
    let extras = usize::from(with_dist) + usize::from(with_hash) + usize::from(with_coord);
    let items = found
        .iter()
        .map(|p| {
            let member = reply::bulk(Bytes::copy_from_slice(p.member));
            if extras == 0 {
                return member;
            }
            let mut item = Vec::with_capacity(extras + 1);
            item.push(member);
            if with_dist {
                item.push(reply::bulk(Bytes::from(format_distance(
                    p.dist / conversion,
                ))));
            }
            if with_hash {
                item.push(reply::integer(c_i64(p.score)));
            }
            if with_coord {
                item.push(coordinates_reply(p.position));
            }
            reply::array(item)
        })
        .collect();
    Ok(Outcome::Reply(reply::array(items)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Palermo and Catania, as in Redis's documentation.
    const PALERMO: (f64, f64) = (13.361389, 38.115556);
    const CATANIA: (f64, f64) = (15.087269, 37.502669);

    fn score(p: (f64, f64)) -> f64 {
        score_of(p.0, p.1).unwrap()
    }

    #[test]
    fn scores_and_positions_match_redis() {
        assert_eq!(score(PALERMO), 3479099956230698.0);
        assert_eq!(score(CATANIA), 3479447370796909.0);
        let [lon, lat] = position_of(score(PALERMO));
        assert_eq!(format_coordinate(lon), "13.36138933897018433");
        assert_eq!(format_coordinate(lat), "38.11555639549629859");
        let [lon, lat] = position_of(score(CATANIA));
        assert_eq!(format_coordinate(lon), "15.08726745843887329");
        assert_eq!(format_coordinate(lat), "37.50266842333162032");
        // The corners of the ranges, and outside them.
        assert!(score_of(180.0, 85.05112878).is_some());
        assert!(score_of(-180.0, -85.05112878).is_some());
        assert_eq!(score_of(180.000001, 0.0), None);
        assert_eq!(score_of(0.0, 85.06), None);
        assert_eq!(score_of(0.0, f64::INFINITY), None);
    }

    #[test]
    fn any_score_decodes_as_redis_converts_it() {
        // Scores ZADD set, read as C converts a double to an unsigned integer.
        let show = |s: f64| position_of(s).map(format_coordinate).join(",");
        assert_eq!(show(-1.0), "180,85.0511287799999991");
        assert_eq!(show(1e30), "-179.99999731779098511,-85.05112751263942528");
        assert_eq!(show(2.5), "-179.99999195337295532,-85.05112751263942528");
        assert_eq!(c_u64(f64::INFINITY), 0);
        assert_eq!(c_u64(f64::NEG_INFINITY), 1 << 63);
        assert_eq!(c_u64(1.8446744073709552e19), 0);
        assert_eq!(c_u64(9.3e18), 9_300_000_000_000_000_000);
        assert_eq!(c_i64(1e19), i64::MIN);
    }

    #[test]
    fn geohash_strings_match_redis() {
        assert_eq!(geohash_of(score(PALERMO)), "sqc8b49rny0");
        assert_eq!(geohash_of(score(CATANIA)), "sqdtr74hyu0");
        assert_eq!(geohash_of(-1.0), "bp05b5048p0");
        assert_eq!(geohash_of(1e30), "00bh0hbj200");
    }

    #[test]
    fn distances_match_redis() {
        let [lon1, lat1] = position_of(score(PALERMO));
        let [lon2, lat2] = position_of(score(CATANIA));
        let d = distance(lon1, lat1, lon2, lat2);
        assert_eq!(format_distance(d), "166274.1516");
        assert_eq!(format_distance(d / 1000.0), "166.2742");
        assert_eq!(format_distance(d / 1609.34), "103.3182");
        assert_eq!(format_distance(d / 0.3048), "545518.8700");
        assert_eq!(format_distance(distance(lon1, lat1, lon1, lat1)), "0.0000");
        // On one meridian Redis measures along it, which may differ from the haversine in the
        // last bits: Redis stores 9738.168609774817 km between these.
        let [lon_a, lat_a] = position_of(10508399130447876.0);
        let [lon_b, lat_b] = position_of(9382134134669328.0);
        assert_eq!((lon_a, lon_b), (180.0, 180.0));
        assert_eq!(
            distance(lon_a, lat_a, lon_b, lat_b) / 1000.0,
            9738.168609774817
        );
        // GEOSEARCH Sicily FROMLONLAT 15 37 ... WITHDIST, in km.
        assert_eq!(
            format_distance(distance(15.0, 37.0, lon1, lat1) / 1000.0),
            "190.4424"
        );
        assert_eq!(
            format_distance(distance(15.0, 37.0, lon2, lat2) / 1000.0),
            "56.4413"
        );
    }

    #[test]
    fn numbers_print_as_c_prints_them() {
        assert_eq!(format_coordinate(-0.0), "0");
        assert_eq!(format_coordinate(180.0), "180");
        assert_eq!(format_coordinate(0.5), "0.5");
        assert_eq!(format_distance(0.03125), "0.0312");
        // 14380184.134850001 m: `%.4f` would end in 9, but the product rounds to a tie first.
        assert_eq!(format_distance(14380184.134850001), "14380184.1348");
        assert_eq!(format_distance(17281015.69035), "17281015.6904");
        assert_eq!(format_distance(0.00004), "0.0000");
        assert_eq!(format_distance(f64::NAN), "-922337203685477.5808");
        assert_eq!(
            invalid_pair(200.0, -0.0).to_string(),
            "ERR invalid longitude,latitude pair 200.000000,-0.000000"
        );
        assert_eq!(
            invalid_pair(f64::INFINITY, 1.0).to_string(),
            "ERR invalid longitude,latitude pair inf,1.000000"
        );
    }

    #[test]
    fn interleaving_round_trips_and_neighbours_wrap() {
        for (lat, lon) in [
            (0u32, 0u32),
            (1, 2),
            (0x3ff_ffff, 0x155_5555),
            (u32::MAX, 7),
        ] {
            assert_eq!(deinterleave(interleave(lat, lon)), (lat, lon));
        }
        // Step 1: four cells; moving east or west, north or south lands on the same one.
        let cell = Cell {
            bits: 0b00,
            step: 1,
        };
        let around = neighbours(cell);
        assert_eq!(around.east, around.west);
        assert_eq!(around.north, around.south);
        assert_eq!(
            around.east,
            Cell {
                bits: 0b10,
                step: 1
            }
        );
        assert_eq!(
            around.north,
            Cell {
                bits: 0b01,
                step: 1
            }
        );
        assert_eq!(
            around.north_east,
            Cell {
                bits: 0b11,
                step: 1
            }
        );
        // Step 2: the west neighbour of the westmost column wraps to the eastmost.
        let west = move_x(Cell { bits: 0, step: 2 }, -1);
        assert_eq!(deinterleave(west.bits), (0, 3));
    }

    #[test]
    fn step_estimates_follow_redis() {
        assert_eq!(estimate_step(0.0, 0.0), 26);
        assert_eq!(estimate_step(1.0, 0.0), 24);
        assert_eq!(estimate_step(200_000.0, 0.0), 6);
        assert_eq!(estimate_step(200_000.0, 70.0), 5);
        assert_eq!(estimate_step(200_000.0, -81.0), 4);
        assert_eq!(estimate_step(5e7, 0.0), 1);
        assert_eq!(estimate_step(f64::INFINITY, 0.0), 1);
    }

    #[test]
    fn sorts_match_the_c_ones() {
        let cmp = |a: &(i32, u8), b: &(i32, u8)| a.0.cmp(&b.0) as i32;
        // The merge sort is stable.
        let mut v: Vec<(i32, u8)> = (0..50).map(|i| ((i * 7) % 5, i as u8)).collect();
        let mut expected = v.clone();
        expected.sort_by_key(|e| e.0);
        merge_sort(&mut v, &cmp);
        assert_eq!(v, expected);
        // The partial sort puts the right elements in the first positions, in order.
        for n in [1usize, 5, 7, 8, 40, 41, 100, 333] {
            for keep in [1usize, 2, 3, n / 2 + 1, n] {
                let keep = keep.min(n);
                let mut v: Vec<(i32, u8)> = (0..n)
                    .map(|i| (((i * 7919) % 101) as i32, (i % 251) as u8))
                    .collect();
                let mut sorted = v.clone();
                sorted.sort_by_key(|e| e.0);
                partial_sort(&mut v, &cmp, 0, keep - 1);
                let keys: Vec<i32> = v[..keep].iter().map(|e| e.0).collect();
                let want: Vec<i32> = sorted[..keep].iter().map(|e| e.0).collect();
                assert_eq!(keys, want, "n={n} keep={keep}");
            }
        }
    }

    #[test]
    fn search_cells_cover_the_shape() {
        let shape = Shape {
            centre: [15.0, 37.0],
            extent: Extent::Radius(200.0),
            conversion: 1000.0,
        };
        let cells = shape.cells();
        assert!(!cells[0].is_zero());
        assert!(cells.iter().all(|c| c.is_zero() || c.step == cells[0].step));
        // A huge radius walks the four cells of step 1, each once.
        let world = Shape {
            centre: [0.0, 0.0],
            extent: Extent::Radius(f64::INFINITY),
            conversion: 1.0,
        };
        let cells = world.cells();
        assert_eq!(cells[0].step, 1);
        let set = GeoSet::Packed(vec![(0.0, &b"a"[..]), (score(PALERMO), b"p")]);
        let found = find(&set, &world, 0);
        assert_eq!(found.len(), 2);
    }
}
