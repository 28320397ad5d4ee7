;; The CPU path's projector pair for one x–z section in WebAssembly SIMD (docs/cpu.md), built by build.sh.
;; backProjectSection, the loop of ../projector.ts's backProjectRow: 8 voxels along x per step (two v128 of 4), every tilt summed in registers before the store.
;; For voxel x of section z and tilt k, t = (x − half)·cos θk + (z − halfZ)·sin θk + half is the fractional
;; detector index, halfZ = (nz − 1)/2 − zCentre (zCentre: how far the section's middle lies above the tomogram's, in
;; voxels; 0 for a whole tomogram, a depth slab's height for one slab); the sample is a + (t − ⌊t⌋)·(b − a), a and b the row's pixels ⌊t⌋ and ⌊t⌋ + 1.
;; The caller lays each tilt's row out with `pad` zeros on either side, pad ≥ nz/2 + |zCentre| + 12, so every t of the
;; section (and of the up to 7 voxels past nx that fill the last step) lands inside it: no bounds checks,
;; and zeros reproduce the reference's "outside the detector counts 0".
;; Wasm has no gather: the two pixels of each lane are one 64-bit load, four per group, then two shuffles.
;;
;; Memory (byte offsets, all given by the caller):
;;   trig   [cos0, sin0, cos1, sin1, …] f32 (geometry.ts tiltTrig)
;;   tilts  nTilts rows of rowStride bytes; detector pixel i of row k at tilts + k·rowStride + (pad + i)·4
;;   table  16 bytes per tilt, scratch: cos θk, (z − halfZ)·sin θk + half, the row's address of pixel 0
;;   out    nz rows of ⌈nx/8⌉·8 f32: the section, to which weight × the sums over tilts are added
(module
  (memory (export "memory") 1)

  (func (export "backProjectSection")
    (param $nx i32) (param $nz i32) (param $nTilts i32) (param $trig i32) (param $tilts i32)
    (param $rowStride i32) (param $pad i32) (param $table i32) (param $out i32) (param $weight f32) (param $zCentre f32)
    (local $half f32) (local $halfZ f32) (local $z i32) (local $k i32) (local $x i32)
    (local $entry i32) (local $end i32) (local $dst i32)
    (local $c v128) (local $base v128) (local $row v128) (local $xs0 v128) (local $xs1 v128) (local $t0 v128)
    (local $t1 v128) (local $floor0 v128) (local $floor1 v128) (local $addr v128) (local $p01 v128) (local $p23 v128)
    (local $a v128) (local $b v128) (local $acc0 v128) (local $acc1 v128)
    (local.set $half (f32.mul (f32.convert_i32_s (i32.sub (local.get $nx) (i32.const 1))) (f32.const 0.5)))
    (local.set $halfZ (f32.sub (f32.mul (f32.convert_i32_s (i32.sub (local.get $nz) (i32.const 1))) (f32.const 0.5)) (local.get $zCentre)))
    (local.set $end (i32.add (local.get $table) (i32.shl (local.get $nTilts) (i32.const 4))))
    (local.set $dst (local.get $out))
    (local.set $z (i32.const 0))
    (block $zDone
      (loop $zLoop
        (br_if $zDone (i32.ge_s (local.get $z) (local.get $nz)))
        ;; This section's table: cos θk, (z − halfZ)·sin θk + half, the address of pixel 0 of row k.
        (local.set $k (i32.const 0))
        (local.set $entry (local.get $table))
        (block $tableDone
          (loop $tableLoop
            (br_if $tableDone (i32.ge_s (local.get $k) (local.get $nTilts)))
            (f32.store (local.get $entry) (f32.load (i32.add (local.get $trig) (i32.shl (local.get $k) (i32.const 3)))))
            (f32.store offset=4 (local.get $entry)
              (f32.add
                (f32.mul (f32.sub (f32.convert_i32_s (local.get $z)) (local.get $halfZ))
                         (f32.load offset=4 (i32.add (local.get $trig) (i32.shl (local.get $k) (i32.const 3)))))
                (local.get $half)))
            (i32.store offset=8 (local.get $entry)
              (i32.add (i32.add (local.get $tilts) (i32.mul (local.get $k) (local.get $rowStride)))
                       (i32.shl (local.get $pad) (i32.const 2))))
            (local.set $entry (i32.add (local.get $entry) (i32.const 16)))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $tableLoop)))
        ;; The section's voxels, 8 at a time in two groups of 4: xs0 = x − half + (0, 1, 2, 3), xs1 = xs0 + 4.
        (local.set $x (i32.const 0))
        (block $xDone
          (loop $xLoop
            (br_if $xDone (i32.ge_s (local.get $x) (local.get $nx)))
            (local.set $xs0
              (f32x4.add (f32x4.splat (f32.sub (f32.convert_i32_s (local.get $x)) (local.get $half)))
                         (v128.const f32x4 0 1 2 3)))
            (local.set $xs1 (f32x4.add (local.get $xs0) (v128.const f32x4 4 4 4 4)))
            (local.set $acc0 (v128.const i32x4 0 0 0 0))
            (local.set $acc1 (v128.const i32x4 0 0 0 0))
            (local.set $entry (local.get $table))
            (block $kDone
              (loop $kLoop
                (br_if $kDone (i32.ge_u (local.get $entry) (local.get $end)))
                (local.set $c (v128.load32_splat (local.get $entry)))
                (local.set $base (v128.load32_splat offset=4 (local.get $entry)))
                (local.set $row (v128.load32_splat offset=8 (local.get $entry)))
                ;; t = xs·cos + base, as the reference rounds it: the product in f32, then the sum; then for
                ;; each lane (a, b) in one 64-bit load: (a0, b0, a1, b1), (a2, b2, a3, b3), shuffled to a and b.
                (local.set $t0
                  (f32x4.add (f32x4.mul (local.get $xs0) (local.get $c)) (local.get $base)))
                (local.set $floor0 (f32x4.floor (local.get $t0)))
                (local.set $addr
                  (i32x4.add (i32x4.shl (i32x4.trunc_sat_f32x4_s (local.get $floor0)) (i32.const 2)) (local.get $row)))
                (local.set $p01 (v128.load64_zero (i32x4.extract_lane 0 (local.get $addr))))
                (local.set $p01 (v128.load64_lane 1 (i32x4.extract_lane 1 (local.get $addr)) (local.get $p01)))
                (local.set $p23 (v128.load64_zero (i32x4.extract_lane 2 (local.get $addr))))
                (local.set $p23 (v128.load64_lane 1 (i32x4.extract_lane 3 (local.get $addr)) (local.get $p23)))
                (local.set $a (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $p01) (local.get $p23)))
                (local.set $b (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $p01) (local.get $p23)))
                (local.set $acc0
                  (f32x4.add (local.get $acc0)
                    (f32x4.add (local.get $a)
                      (f32x4.mul (f32x4.sub (local.get $t0) (local.get $floor0)) (f32x4.sub (local.get $b) (local.get $a))))))
                (local.set $t1
                  (f32x4.add (f32x4.mul (local.get $xs1) (local.get $c)) (local.get $base)))
                (local.set $floor1 (f32x4.floor (local.get $t1)))
                (local.set $addr
                  (i32x4.add (i32x4.shl (i32x4.trunc_sat_f32x4_s (local.get $floor1)) (i32.const 2)) (local.get $row)))
                (local.set $p01 (v128.load64_zero (i32x4.extract_lane 0 (local.get $addr))))
                (local.set $p01 (v128.load64_lane 1 (i32x4.extract_lane 1 (local.get $addr)) (local.get $p01)))
                (local.set $p23 (v128.load64_zero (i32x4.extract_lane 2 (local.get $addr))))
                (local.set $p23 (v128.load64_lane 1 (i32x4.extract_lane 3 (local.get $addr)) (local.get $p23)))
                (local.set $a (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $p01) (local.get $p23)))
                (local.set $b (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $p01) (local.get $p23)))
                (local.set $acc1
                  (f32x4.add (local.get $acc1)
                    (f32x4.add (local.get $a)
                      (f32x4.mul (f32x4.sub (local.get $t1) (local.get $floor1)) (f32x4.sub (local.get $b) (local.get $a))))))
                (local.set $entry (i32.add (local.get $entry) (i32.const 16)))
                (br $kLoop)))
            (v128.store (local.get $dst)
              (f32x4.add (v128.load (local.get $dst)) (f32x4.mul (local.get $acc0) (f32x4.splat (local.get $weight)))))
            (v128.store offset=16 (local.get $dst)
              (f32x4.add (v128.load offset=16 (local.get $dst)) (f32x4.mul (local.get $acc1) (f32x4.splat (local.get $weight)))))
            (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
            (local.set $x (i32.add (local.get $x) (i32.const 8)))
            (br $xLoop)))
        (local.set $z (i32.add (local.get $z) (i32.const 1)))
        (br $zLoop)))
  )

  ;; The forward projection of one x–z section, the transpose of backProjectSection (../projector.ts's
  ;; forwardProjectRow): voxel x of section z spreads its value v over pixels ⌊t⌋ and ⌊t⌋ + 1 of tilt k's row,
  ;; v − w·v and w·v with w = t − ⌊t⌋. t, w and both shares for 4 voxels in SIMD; the scatter lane by lane, since
  ;; neighbouring voxels share pixels (in f32 loads and stores, which the CPU forwards exactly).
  ;;   trig    as above
  ;;   volume  nz rows of ⌈nx/8⌉·8 f32: the section, zeros past nx
  ;;   out     nTilts rows of rowStride bytes, pixel i of row k at out + k·rowStride + (pad + i)·4: added into
  (func (export "forwardProjectSection")
    (param $nx i32) (param $nz i32) (param $nTilts i32) (param $trig i32) (param $volume i32)
    (param $rowStride i32) (param $pad i32) (param $out i32) (param $zCentre f32)
    (local $half f32) (local $halfZ f32) (local $z i32) (local $k i32) (local $x i32) (local $width i32)
    (local $src i32) (local $at i32)
    (local $c v128) (local $base v128) (local $row v128) (local $xs v128) (local $t v128) (local $floor v128)
    (local $addr v128) (local $v v128) (local $hi v128) (local $lo v128)
    (local.set $half (f32.mul (f32.convert_i32_s (i32.sub (local.get $nx) (i32.const 1))) (f32.const 0.5)))
    (local.set $halfZ (f32.sub (f32.mul (f32.convert_i32_s (i32.sub (local.get $nz) (i32.const 1))) (f32.const 0.5)) (local.get $zCentre)))
    (local.set $width (i32.and (i32.add (local.get $nx) (i32.const 7)) (i32.const -8)))
    (local.set $k (i32.const 0))
    (block $kDone
      (loop $kLoop
        (br_if $kDone (i32.ge_s (local.get $k) (local.get $nTilts)))
        (local.set $c (v128.load32_splat (i32.add (local.get $trig) (i32.shl (local.get $k) (i32.const 3)))))
        (local.set $row (i32x4.splat
          (i32.add (i32.add (local.get $out) (i32.mul (local.get $k) (local.get $rowStride))) (i32.shl (local.get $pad) (i32.const 2)))))
        (local.set $src (local.get $volume))
        (local.set $z (i32.const 0))
        (block $zDone
          (loop $zLoop
            (br_if $zDone (i32.ge_s (local.get $z) (local.get $nz)))
            (local.set $base (f32x4.splat
              (f32.add
                (f32.mul (f32.sub (f32.convert_i32_s (local.get $z)) (local.get $halfZ))
                         (f32.load offset=4 (i32.add (local.get $trig) (i32.shl (local.get $k) (i32.const 3)))))
                (local.get $half))))
            (local.set $xs (f32x4.add (f32x4.splat (f32.neg (local.get $half))) (v128.const f32x4 0 1 2 3)))
            (local.set $x (i32.const 0))
            (block $xDone
              (loop $xLoop
                (br_if $xDone (i32.ge_s (local.get $x) (local.get $width)))
                (local.set $t (f32x4.add (f32x4.mul (local.get $xs) (local.get $c)) (local.get $base)))
                (local.set $floor (f32x4.floor (local.get $t)))
                (local.set $addr
                  (i32x4.add (i32x4.shl (i32x4.trunc_sat_f32x4_s (local.get $floor)) (i32.const 2)) (local.get $row)))
                (local.set $v (v128.load (local.get $src)))
                (local.set $hi (f32x4.mul (f32x4.sub (local.get $t) (local.get $floor)) (local.get $v)))
                (local.set $lo (f32x4.sub (local.get $v) (local.get $hi)))
                (local.set $at (i32x4.extract_lane 0 (local.get $addr)))
                (f32.store (local.get $at) (f32.add (f32.load (local.get $at)) (f32x4.extract_lane 0 (local.get $lo))))
                (f32.store offset=4 (local.get $at) (f32.add (f32.load offset=4 (local.get $at)) (f32x4.extract_lane 0 (local.get $hi))))
                (local.set $at (i32x4.extract_lane 1 (local.get $addr)))
                (f32.store (local.get $at) (f32.add (f32.load (local.get $at)) (f32x4.extract_lane 1 (local.get $lo))))
                (f32.store offset=4 (local.get $at) (f32.add (f32.load offset=4 (local.get $at)) (f32x4.extract_lane 1 (local.get $hi))))
                (local.set $at (i32x4.extract_lane 2 (local.get $addr)))
                (f32.store (local.get $at) (f32.add (f32.load (local.get $at)) (f32x4.extract_lane 2 (local.get $lo))))
                (f32.store offset=4 (local.get $at) (f32.add (f32.load offset=4 (local.get $at)) (f32x4.extract_lane 2 (local.get $hi))))
                (local.set $at (i32x4.extract_lane 3 (local.get $addr)))
                (f32.store (local.get $at) (f32.add (f32.load (local.get $at)) (f32x4.extract_lane 3 (local.get $lo))))
                (f32.store offset=4 (local.get $at) (f32.add (f32.load offset=4 (local.get $at)) (f32x4.extract_lane 3 (local.get $hi))))
                (local.set $xs (f32x4.add (local.get $xs) (v128.const f32x4 4 4 4 4)))
                (local.set $src (i32.add (local.get $src) (i32.const 16)))
                (local.set $x (i32.add (local.get $x) (i32.const 4)))
                (br $xLoop)))
            (local.set $z (i32.add (local.get $z) (i32.const 1)))
            (br $zLoop)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $kLoop)))
  )
)
