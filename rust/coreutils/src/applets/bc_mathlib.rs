//! The `bc -l` math library, written in bc and loaded before the user's
//! input, as GNU bc 1.07 does with its own library.
//!
//! Being ordinary bc functions, these behave as GNU's do in every way a
//! user can see: each runs at a raised internal scale and truncates its
//! result to the caller's scale on the way out (the last digits follow
//! from the working scales and the order of the truncating operations,
//! which is why they are kept exactly as GNU's library has them); they
//! work in base ten whatever `ibase` is; their autos shadow the user's
//! variables only during the call; and a user's `define` of the same
//! name takes over the name without changing what the library's own
//! calls reach (see `Bc::load_mathlib`).
//!
//! Each function reduces its argument with a standard identity and sums
//! a Taylor series until a term truncates to zero.
//!
//! The code is laid out differently from GNU's, so a runtime message
//! from inside a library function would give another address; no
//! argument that finishes in reasonable time raises one.

pub const APPLETS: &[wsutil::Applet] = &[];

/// The names the library defines, in the order GNU numbers them (the
/// order of first mention in its library: `a` is called by `s`).
pub const FUNCTIONS: &[&str] = &["e", "l", "s", "a", "c", "j"];

/// The numbers GNU's compiled library gives the parameters of its
/// functions (its variables are numbered apart from the user's, from 1):
/// a "Parameter type mismatch" message names the user's variable
/// numbered one after them.
pub const LIB_VAR_IDS: &[(&str, usize)] = &[("x", 1), ("n", 9)];

/// The library text.
pub const LIBRARY: &str = r#"scale = 20

/* e(x): the exponential. x is halved until it is at most 1, the
   Maclaurin series sums 1 + x + x^2/2! + ..., and the sum is squared
   back once per halving. Works 6 digits (plus .44 per unit of x, the
   digits squaring loses) past the caller's scale. */
define e(x) {
	auto t, q, p, k, h, neg, w, u, ib, r
	ib = ibase
	ibase = A
	if (x < 0) {
		neg = 1
		x = -x
	}
	u = scale
	w = 6 + u + .44 * x
	scale = scale(x) + 1
	while (x > 1) {
		h = h + 1
		x = x / 2
		scale = scale + 1
	}
	scale = w
	r = 1 + x
	p = x
	q = 1
	k = 2
	while (1) {
		p = p * x
		q = q * k
		t = p / q
		if (t == 0) break
		r = r + t
		k = k + 1
	}
	while (h > 0) {
		r = r * r
		h = h - 1
	}
	scale = u
	if (neg) r = 1 / r else r = r / 1
	ibase = ib
	return (r)
}

/* l(x): the natural logarithm. Square roots bring x into (.5, 2)
   (each doubles the factor the result is multiplied by), then
   ln(x) = 2*(y + y^3/3 + y^5/5 + ...) with y = (x-1)/(x+1).
   A non-positive x gives -(10^scale - 1), as GNU's library does. */
define l(x) {
	auto t, y, yy, k, g, w, u, ib, r
	ib = ibase
	ibase = A
	if (x <= 0) {
		r = (1 - 10 ^ scale) / 1
		ibase = ib
		return (r)
	}
	u = scale
	scale = u + 6
	g = 2
	while (x >= 2) {
		g = g * 2
		x = sqrt(x)
	}
	while (x <= .5) {
		g = g * 2
		x = sqrt(x)
	}
	y = (x - 1) / (x + 1)
	r = y
	yy = y * y
	k = 3
	while (1) {
		y = y * yy
		t = y / k
		if (t == 0) break
		r = r + t
		k = k + 2
	}
	r = g * r
	scale = u
	r = r / 1
	ibase = ib
	return (r)
}

/* a(x): the arc tangent. Above .2, x is stepped down with
   atan(x) = atan(.2) + atan((x-.2)/(1+.2x)), counting the steps; below,
   the series x - x^3/3 + x^5/5 - ... is summed 3 digits past the
   caller's scale. atan(1) and atan(.2) come from 60-digit constants up
   to scale 60, so that pi = 4*a(1) is quick. */
define a(x) {
	auto t, y, sq, k, steps, c, sg, u, ib, r
	ib = ibase
	ibase = A
	sg = 1
	if (x < 0) {
		sg = -1
		x = -x
	}
	if (scale <= 60) {
		r = -1
		if (x == 1) r = .785398163397448309615660845819875721049292349843776455243736
		if (x == .2) r = .197395559849880758370049765194790293447585103787852101517688
		if (r > 0) {
			r = r / sg
			ibase = ib
			return (r)
		}
	}
	u = scale
	if (x > .2) {
		scale = u + 5
		c = a(.2)
	}
	scale = u + 3
	while (x > .2) {
		steps = steps + 1
		x = (x - .2) / (1 + x * .2)
	}
	r = x
	y = x
	sq = -x * x
	k = 3
	while (1) {
		y = y * sq
		t = y / k
		if (t == 0) break
		r = r + t
		k = k + 2
	}
	scale = u
	r = (steps * c + r) / sg
	ibase = ib
	return (r)
}

/* s(x): the sine. The nearest multiple n*pi (n found at scale 0 from
   pi/4 = a(1), worked out at 1.1 times the caller's scale) is taken off
   x, the sign flipping for an odd n, then x - x^3/3! + x^5/5! - ... is
   summed 2 digits past the caller's scale. */
define s(x) {
	auto t, sq, k, n, q, neg, u, ib, r
	ib = ibase
	ibase = A
	u = scale
	scale = 1.1 * u + 2
	q = a(1)
	if (x < 0) {
		neg = 1
		x = -x
	}
	scale = 0
	n = (x / q + 2) / 4
	x = x - 4 * n * q
	if (n % 2) x = -x
	scale = u + 2
	r = x
	t = x
	sq = -x * x
	k = 3
	while (1) {
		t = t * (sq / (k * (k - 1)))
		if (t == 0) break
		r = r + t
		k = k + 2
	}
	scale = u
	if (neg) r = -r / 1 else r = r / 1
	ibase = ib
	return (r)
}

/* c(x): the cosine, as sin(x + pi/2) at a fifth more digits. */
define c(x) {
	auto u, ib, r
	ib = ibase
	ibase = A
	u = scale
	scale = scale * 1.2
	r = s(x + a(1) * 2)
	scale = u
	r = r / 1
	ibase = ib
	return (r)
}

/* j(n,x): the Bessel function of the first kind of integer order n
   (truncated towards zero; j(-n,x) = (-1)^n j(n,x)), from
   x^n/(2^n n!) * (1 - (x^2/4)/(1!(n+1)) + (x^2/4)^2/(2!(n+1)(n+2)) - ...). */
define j(n, x) {
	auto t, f, k, sq, neg, u, ib, r
	ib = ibase
	ibase = A
	u = scale
	scale = 0
	n = n / 1
	if (n < 0) {
		n = -n
		if (n % 2 == 1) neg = 1
	}
	f = 1
	for (k = 2; k <= n; k++) f = f * k
	scale = 1.5 * u
	f = x ^ n / 2 ^ n / f
	r = 1
	t = 1
	sq = -x * x / 4
	scale = 1.5 * u + length(f) - scale(f)
	k = 1
	while (1) {
		t = t * sq / k / (n + k)
		if (t == 0) break
		r = r + t
		k = k + 1
	}
	scale = u
	if (neg) r = -f * r / 1 else r = f * r / 1
	ibase = ib
	return (r)
}
"#;
