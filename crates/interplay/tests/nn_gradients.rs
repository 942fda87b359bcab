//! The hand-written backward passes of `interplay::nn` against finite differences
//! and against candle's autodiff (the oracle), and Adam against PyTorch's rule.

use candle_core::{Device, Tensor, Var, D};
use interplay::nn::{softmax_cross_entropy, Activation, Adam, AdamConfig, Mlp, MlpWorkspace};
use interplay::rng::{seeded, stream_id};
use rand::Rng;

fn random_batch(batch: usize, dim: usize, classes: usize, seed: u64) -> (Vec<f32>, Vec<usize>) {
    let mut rng = seeded(seed, stream_id("nn-test-data"));
    let x = (0..batch * dim).map(|_| rng.gen_range(-2.0..2.0)).collect();
    let y = (0..batch).map(|_| rng.gen_range(0..classes)).collect();
    (x, y)
}

/// Loss, parameter gradient and input gradient of mean cross-entropy.
fn loss_and_grads(mlp: &Mlp, params: &[f32], x: &[f32], y: &[usize]) -> (f64, Vec<f32>, Vec<f32>) {
    let batch = y.len();
    let mut ws = MlpWorkspace::default();
    let logits = mlp.forward(params, x, batch, &mut ws).to_vec();
    let mut d = vec![0.0; logits.len()];
    let loss = softmax_cross_entropy(&logits, y, mlp.output_dim(), &mut d);
    let mut g = vec![0.0; params.len()];
    let mut dx = vec![0.0; x.len()];
    mlp.backward(params, &mut ws, &d, &mut g, Some(&mut dx));
    (loss, g, dx)
}

fn loss_only(mlp: &Mlp, params: &[f32], x: &[f32], y: &[usize]) -> f64 {
    loss_and_grads(mlp, params, x, y).0
}

#[test]
fn gradients_match_finite_differences() {
    for (act, activate_output) in [
        (Activation::Tanh, false),
        (Activation::Tanh, true),
        (Activation::Identity, false),
    ] {
        // Smooth activations, so central differences are accurate.
        let mlp = Mlp::new(&[5, 7, 6, 3], act, activate_output).unwrap();
        let params = mlp.init(&mut seeded(1, stream_id("init")));
        let (x, y) = random_batch(9, 5, 3, 2);
        let (_, g, dx) = loss_and_grads(&mlp, &params, &x, &y);
        let h = 1e-2f32;
        let mut worst = 0.0f64;
        for i in 0..params.len() {
            let mut p = params.clone();
            p[i] += h;
            let up = loss_only(&mlp, &p, &x, &y);
            p[i] -= 2.0 * h;
            let down = loss_only(&mlp, &p, &x, &y);
            let fd = (up - down) / (2.0 * h as f64);
            worst = worst.max((fd - g[i] as f64).abs());
        }
        for i in 0..x.len() {
            let mut xp = x.clone();
            xp[i] += h;
            let up = loss_only(&mlp, &params, &xp, &y);
            xp[i] -= 2.0 * h;
            let down = loss_only(&mlp, &params, &xp, &y);
            let fd = (up - down) / (2.0 * h as f64);
            worst = worst.max((fd - dx[i] as f64).abs());
        }
        assert!(worst < 2e-3, "{act:?}: worst gradient error {worst}");
    }
}

/// The same network built from candle tensors, differentiated by candle.
fn candle_grads(
    mlp: &Mlp,
    params: &[f32],
    x: &[f32],
    y: &[usize],
    act: Activation,
) -> (f32, Vec<f32>, Vec<f32>) {
    let dev = Device::Cpu;
    let batch = y.len();
    let xv = Var::from_slice(x, (batch, mlp.input_dim()), &dev).unwrap();
    let mut vars = Vec::new();
    let mut h: Tensor = xv.as_tensor().clone();
    let n_layers = mlp.layers().len();
    for (l, layer) in mlp.layers().iter().enumerate() {
        let w = Var::from_slice(layer.weight(params), (layer.fan_out, layer.fan_in), &dev).unwrap();
        let b = Var::from_slice(layer.bias(params), layer.fan_out, &dev).unwrap();
        h = h
            .matmul(&w.as_tensor().t().unwrap())
            .unwrap()
            .broadcast_add(b.as_tensor())
            .unwrap();
        if l + 1 < n_layers {
            h = match act {
                Activation::Relu => h.relu().unwrap(),
                Activation::Tanh => h.tanh().unwrap(),
                Activation::Identity => h,
            };
        }
        vars.push(w);
        vars.push(b);
    }
    let targets: Vec<u32> = y.iter().map(|&v| v as u32).collect();
    let t = Tensor::from_slice(&targets, batch, &dev).unwrap();
    let logp = candle_nn::ops::log_softmax(&h, D::Minus1).unwrap();
    let loss = candle_nn::loss::nll(&logp, &t).unwrap();
    let grads = loss.backward().unwrap();
    let mut g = Vec::new();
    for v in &vars {
        let gv: Vec<f32> = grads
            .get(v.as_tensor())
            .unwrap()
            .flatten_all()
            .unwrap()
            .to_vec1()
            .unwrap();
        g.extend(gv);
    }
    let dx: Vec<f32> = grads
        .get(xv.as_tensor())
        .unwrap()
        .flatten_all()
        .unwrap()
        .to_vec1()
        .unwrap();
    (loss.to_scalar::<f32>().unwrap(), g, dx)
}

#[test]
fn gradients_match_candle_autodiff() {
    for act in [Activation::Relu, Activation::Tanh] {
        let mlp = Mlp::new(&[20, 64, 64, 2], act, false).unwrap();
        let params = mlp.init(&mut seeded(3, stream_id("init")));
        let (x, y) = random_batch(32, 20, 2, 4);
        let (loss, g, dx) = loss_and_grads(&mlp, &params, &x, &y);
        let (closs, cg, cdx) = candle_grads(&mlp, &params, &x, &y, act);
        assert!(
            (loss - closs as f64).abs() < 1e-5,
            "loss {loss} vs candle {closs}"
        );
        assert_eq!(g.len(), cg.len());
        let worst_g = g
            .iter()
            .zip(&cg)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0f32, f32::max);
        let worst_x = dx
            .iter()
            .zip(&cdx)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0f32, f32::max);
        assert!(
            worst_g < 1e-5,
            "{act:?}: parameter gradients differ by {worst_g}"
        );
        assert!(
            worst_x < 1e-5,
            "{act:?}: input gradients differ by {worst_x}"
        );
        assert!(
            g.iter().any(|v| v.abs() > 1e-4),
            "gradients are not trivially zero"
        );
    }
}

#[test]
fn pytorch_init_bounds_and_layout() {
    let mlp = Mlp::new(&[16, 4, 3], Activation::Relu, false).unwrap();
    assert_eq!(mlp.n_params(), 16 * 4 + 4 + 4 * 3 + 3);
    let p = mlp.init(&mut seeded(5, stream_id("init")));
    let first = &p[..16 * 4 + 4];
    assert!(first.iter().all(|v| v.abs() <= 0.25));
    assert!(first.iter().any(|v| v.abs() > 0.2), "draws fill the range");
    let second = &p[16 * 4 + 4..];
    assert!(second.iter().all(|v| v.abs() <= 0.5));
    // Chained offsets: a second network can live after the first in one vector.
    let head = Mlp::with_offset(&[3, 2], Activation::Relu, false, mlp.end()).unwrap();
    assert_eq!(head.offset(), mlp.n_params());
}

#[test]
fn adam_follows_pytorch_update() {
    // Two steps by hand for one scalar: p=1, grads 0.5 then -0.25, lr 0.1, wd 0.01.
    let cfg = AdamConfig {
        lr: 0.1,
        weight_decay: 0.01,
        ..AdamConfig::default()
    };
    let mut adam = Adam::new(1, cfg);
    let mut p = [1.0f64];
    let (b1, b2, eps) = (0.9f64, 0.999f64, 1e-8);
    let (mut m, mut v, mut q) = (0.0, 0.0, 1.0f64);
    for (t, g0) in [(1, 0.5f64), (2, -0.25)] {
        adam.step(&mut p, &[g0]);
        let g = g0 + 0.01 * q;
        m = b1 * m + (1.0 - b1) * g;
        v = b2 * v + (1.0 - b2) * g * g;
        let mh = m / (1.0 - b1.powi(t));
        let vh = v / (1.0 - b2.powi(t));
        q -= 0.1 * mh / (vh.sqrt() + eps * 1.0);
        assert!((p[0] - q).abs() < 1e-8, "step {t}: {} vs {q}", p[0]);
    }
}

/// Late fusion as InterSHAP builds it: two branches (activated outputs) at their own
/// offsets of one flat vector, concatenated into a head; gradients flow back through
/// the head's input gradient.
fn fused_loss_and_grads(
    nets: &[Mlp; 3],
    params: &[f32],
    x1: &[f32],
    x2: &[f32],
    y: &[usize],
) -> (f64, Vec<f32>) {
    let b = y.len();
    let [a, c, head] = nets;
    let (mut wa, mut wc, mut wh) = (
        MlpWorkspace::default(),
        MlpWorkspace::default(),
        MlpWorkspace::default(),
    );
    let oa = a.forward(params, x1, b, &mut wa).to_vec();
    let oc = c.forward(params, x2, b, &mut wc).to_vec();
    let (da, dc) = (a.output_dim(), c.output_dim());
    let mut cat = Vec::with_capacity(b * (da + dc));
    for r in 0..b {
        cat.extend_from_slice(&oa[r * da..(r + 1) * da]);
        cat.extend_from_slice(&oc[r * dc..(r + 1) * dc]);
    }
    let logits = head.forward(params, &cat, b, &mut wh).to_vec();
    let mut dl = vec![0.0; logits.len()];
    let loss = softmax_cross_entropy(&logits, y, head.output_dim(), &mut dl);
    let mut g = vec![0.0; params.len()];
    let mut dcat = vec![0.0; cat.len()];
    head.backward(params, &mut wh, &dl, &mut g, Some(&mut dcat));
    let (mut ga, mut gc) = (Vec::new(), Vec::new());
    for r in 0..b {
        let row = &dcat[r * (da + dc)..(r + 1) * (da + dc)];
        ga.extend_from_slice(&row[..da]);
        gc.extend_from_slice(&row[da..]);
    }
    a.backward(params, &mut wa, &ga, &mut g, None);
    c.backward(params, &mut wc, &gc, &mut g, None);
    (loss, g)
}

#[test]
fn branches_chain_through_a_concatenation() {
    let a = Mlp::new(&[3, 5, 4], Activation::Tanh, true).unwrap();
    let c = Mlp::with_offset(&[2, 4, 3], Activation::Tanh, true, a.end()).unwrap();
    let head = Mlp::with_offset(&[7, 6, 3], Activation::Tanh, false, c.end()).unwrap();
    let mut rng = seeded(8, stream_id("init"));
    let mut params = vec![0.0f32; head.end()];
    for net in [&a, &c, &head] {
        net.init_into(&mut params, &mut rng);
    }
    let (x1, y) = random_batch(6, 3, 3, 9);
    let (x2, _) = random_batch(6, 2, 3, 10);
    let nets = [a, c, head];
    let (_, g) = fused_loss_and_grads(&nets, &params, &x1, &x2, &y);
    let h = 1e-2f32;
    for (i, &analytic) in g.iter().enumerate() {
        let mut p = params.clone();
        p[i] += h;
        let up = fused_loss_and_grads(&nets, &p, &x1, &x2, &y).0;
        p[i] -= 2.0 * h;
        let down = fused_loss_and_grads(&nets, &p, &x1, &x2, &y).0;
        let fd = (up - down) / (2.0 * h as f64);
        assert!(
            (fd - analytic as f64).abs() < 2e-3,
            "param {i}: fd {fd} vs {analytic}"
        );
    }
}
