// Command provisioner gives the local one-node cluster a StorageClass that
// really provisions: for every pending PersistentVolumeClaim of its class it
// creates a directory on the node and a hostPath PersistentVolume bound to the
// claim; when a claim is deleted and its volume released, it removes both.
//
// kube-controller-manager's in-tree host-path provisioner creates directories
// with mode 0750 owned by root, which pods that run as a non-root user (the
// restricted Pod Security profile, PostgreSQL, Redis) cannot write to. This
// program creates them with mode 0777 instead. It runs on the node, next to
// the kubelet, and polls the API (a one-node test cluster needs no more).
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
)

const provisionedBy = "pv.kubernetes.io/provisioned-by"

type provisioner struct {
	client      kubernetes.Interface
	name        string // the StorageClass's provisioner field
	root        string // directory under which volumes are created
	lastMessage map[string]string
}

func main() {
	kubeconfig := flag.String("kubeconfig", "", "kubeconfig of the provisioner's identity")
	name := flag.String("provisioner", "webstack.local/host-path", "provisioner name that StorageClasses refer to")
	root := flag.String("root", "/var/lib/webstack-cluster/volumes", "directory that holds the volumes")
	interval := flag.Duration("interval", 2*time.Second, "how often to look for work")
	flag.Parse()

	config, err := clientcmd.BuildConfigFromFlags("", *kubeconfig)
	if err != nil {
		log.Fatalf("kubeconfig %q: %v", *kubeconfig, err)
	}
	client, err := kubernetes.NewForConfig(config)
	if err != nil {
		log.Fatalf("client: %v", err)
	}
	absRoot, err := filepath.Abs(*root)
	if err != nil {
		log.Fatalf("root %q: %v", *root, err)
	}
	if err := os.MkdirAll(absRoot, 0o755); err != nil {
		log.Fatalf("root %q: %v", absRoot, err)
	}
	p := &provisioner{client: client, name: *name, root: absRoot, lastMessage: map[string]string{}}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	log.Printf("provisioner %s: volumes under %s", p.name, p.root)
	ticker := time.NewTicker(*interval)
	defer ticker.Stop()
	for {
		p.once(ctx)
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

// once does one round: provision pending claims, delete released volumes.
func (p *provisioner) once(ctx context.Context) {
	classes, err := p.client.StorageV1().StorageClasses().List(ctx, metav1.ListOptions{})
	if err != nil {
		p.report("list", fmt.Sprintf("list storage classes: %v", err))
		return
	}
	ours := map[string]corev1.PersistentVolumeReclaimPolicy{}
	for _, class := range classes.Items {
		if class.Provisioner != p.name {
			continue
		}
		policy := corev1.PersistentVolumeReclaimDelete
		if class.ReclaimPolicy != nil {
			policy = *class.ReclaimPolicy
		}
		ours[class.Name] = policy
	}
	claims, err := p.client.CoreV1().PersistentVolumeClaims("").List(ctx, metav1.ListOptions{})
	if err != nil {
		p.report("list", fmt.Sprintf("list claims: %v", err))
		return
	}
	for i := range claims.Items {
		claim := &claims.Items[i]
		class := ""
		if claim.Spec.StorageClassName != nil {
			class = *claim.Spec.StorageClassName
		}
		policy, ok := ours[class]
		if !ok || claim.Spec.VolumeName != "" || claim.Status.Phase != corev1.ClaimPending || claim.DeletionTimestamp != nil {
			continue
		}
		if err := p.provision(ctx, claim, class, policy); err != nil {
			p.report(string(claim.UID), fmt.Sprintf("claim %s/%s: %v", claim.Namespace, claim.Name, err))
		}
	}
	volumes, err := p.client.CoreV1().PersistentVolumes().List(ctx, metav1.ListOptions{})
	if err != nil {
		p.report("list", fmt.Sprintf("list volumes: %v", err))
		return
	}
	for i := range volumes.Items {
		volume := &volumes.Items[i]
		if volume.Annotations[provisionedBy] != p.name || volume.Status.Phase != corev1.VolumeReleased ||
			volume.Spec.PersistentVolumeReclaimPolicy != corev1.PersistentVolumeReclaimDelete {
			continue
		}
		if err := p.remove(ctx, volume); err != nil {
			p.report(volume.Name, fmt.Sprintf("volume %s: %v", volume.Name, err))
		}
	}
}

// provision creates the claim's directory and a PersistentVolume bound to it.
func (p *provisioner) provision(ctx context.Context, claim *corev1.PersistentVolumeClaim, class string, policy corev1.PersistentVolumeReclaimPolicy) error {
	request, ok := claim.Spec.Resources.Requests[corev1.ResourceStorage]
	if !ok {
		return fmt.Errorf("no storage request")
	}
	name := "pvc-" + string(claim.UID)
	dir := filepath.Join(p.root, fmt.Sprintf("%s_%s_%s", claim.Namespace, claim.Name, claim.UID))
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return err
	}
	// MkdirAll applies the umask; any pod user must be able to write.
	if err := os.Chmod(dir, 0o777); err != nil {
		return err
	}
	directory := corev1.HostPathDirectory
	volume := &corev1.PersistentVolume{
		ObjectMeta: metav1.ObjectMeta{
			Name:        name,
			Annotations: map[string]string{provisionedBy: p.name},
		},
		Spec: corev1.PersistentVolumeSpec{
			Capacity:                      corev1.ResourceList{corev1.ResourceStorage: request},
			AccessModes:                   claim.Spec.AccessModes,
			PersistentVolumeReclaimPolicy: policy,
			StorageClassName:              class,
			VolumeMode:                    claim.Spec.VolumeMode,
			ClaimRef: &corev1.ObjectReference{
				Kind:       "PersistentVolumeClaim",
				APIVersion: "v1",
				Namespace:  claim.Namespace,
				Name:       claim.Name,
				UID:        claim.UID,
			},
			PersistentVolumeSource: corev1.PersistentVolumeSource{
				HostPath: &corev1.HostPathVolumeSource{Path: dir, Type: &directory},
			},
		},
	}
	_, err := p.client.CoreV1().PersistentVolumes().Create(ctx, volume, metav1.CreateOptions{})
	if apierrors.IsAlreadyExists(err) {
		return nil
	}
	if err != nil {
		return err
	}
	log.Printf("provisioned %s for claim %s/%s (%s) at %s", name, claim.Namespace, claim.Name, request.String(), dir)
	return nil
}

// remove deletes a released volume's directory, then the volume.
func (p *provisioner) remove(ctx context.Context, volume *corev1.PersistentVolume) error {
	if volume.Spec.HostPath != nil {
		dir := filepath.Clean(volume.Spec.HostPath.Path)
		if !strings.HasPrefix(dir, p.root+string(os.PathSeparator)) {
			return fmt.Errorf("path %s is outside %s; not removing it", dir, p.root)
		}
		if err := os.RemoveAll(dir); err != nil {
			return err
		}
	}
	err := p.client.CoreV1().PersistentVolumes().Delete(ctx, volume.Name, metav1.DeleteOptions{})
	if err != nil && !apierrors.IsNotFound(err) {
		return err
	}
	log.Printf("deleted released volume %s", volume.Name)
	return nil
}

// report logs a problem once per key until it changes, so that a claim that
// cannot be provisioned does not flood the log every interval.
func (p *provisioner) report(key, message string) {
	if p.lastMessage[key] == message {
		return
	}
	p.lastMessage[key] = message
	log.Print(message)
}
